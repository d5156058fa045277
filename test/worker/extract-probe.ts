/**
 * @module test/worker/extract-probe
 * Child process for test/worker/extract-hostile.test.ts: builds a hostile page, runs the worker's
 * extraction on it and reports how long it blocked the event loop, so a test can time out and
 * kill an extraction that never ends instead of hanging the suite with it.
 * Run: `node test/worker/extract-probe.ts '{"page":{"kind":"deep","depth":60},"extract":{"x":"div"}}'`;
 * prints one JSON line: `{ ok, error?, value?, maxBlockMs, maxGapMs, elapsedMs, ticks }`.
 *
 * maxGapMs is the longest wall-clock gap between two 1 ms interval ticks; maxBlockMs counts only
 * the main thread's CPU time within each gap (process.threadCpuUsage), so a process the OS
 * descheduled on a loaded machine does not look blocked, while a synchronous stretch does.
 */
import { normalizeExtract, type JobRequestInput } from '../../shared/job-schema.ts';
import { extractFromHtml } from '../../worker/src/extract/extract-fields.ts';

export type ProbePage =
  | { kind: 'deep'; depth: number; tag?: string; text?: string }
  | { kind: 'alternating'; depth: number; tags: [string, string] }
  | { kind: 'repeat'; unit: string; bytes: number; open?: string; close?: string };

export interface ProbeSpec {
  page: ProbePage;
  extract: NonNullable<JobRequestInput['extract']>;
  limits?: Record<string, number>;
}

export interface ProbeReport {
  ok: boolean;
  error?: { name: string; message: string };
  /** Per rule: the value's length (array length for `[]` rules), or null. */
  sizes?: Record<string, number | null>;
  value?: unknown;
  maxBlockMs: number;
  maxGapMs: number;
  elapsedMs: number;
  htmlBytes: number;
}

export function buildPage(page: ProbePage): string {
  if (page.kind === 'deep') {
    const tag = page.tag ?? 'div';
    return `<html><body>${`<${tag}>${page.text ?? ''}`.repeat(page.depth)}x${`</${tag}>`.repeat(page.depth)}</body></html>`;
  }
  if (page.kind === 'alternating') {
    const tags = Array.from({ length: page.depth }, (_, index) => page.tags[index % 2]!);
    return `<html><body>${tags.map((tag) => `<${tag}>`).join('')}x${tags.reverse().map((tag) => `</${tag}>`).join('')}</body></html>`;
  }
  const open = `<html><body>${page.open ?? ''}`;
  const close = `${page.close ?? ''}</body></html>`;
  return open + page.unit.repeat(Math.max(1, Math.floor((page.bytes - open.length - close.length) / page.unit.length))) + close;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as ProbeSpec;
  const html = buildPage(spec.page);
  const rules = normalizeExtract(spec.extract);
  let maxBlockMs = 0;
  let maxGapMs = 0;
  let lastWall = performance.now();
  let lastCpu = process.threadCpuUsage();
  const measure = () => {
    const wall = performance.now();
    const cpu = process.threadCpuUsage();
    const gap = wall - lastWall;
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    maxGapMs = Math.max(maxGapMs, gap);
    maxBlockMs = Math.max(maxBlockMs, Math.min(gap, cpuMs));
    lastWall = wall;
    lastCpu = cpu;
  };
  const ticker = setInterval(measure, 1);
  const started = performance.now();
  const report: ProbeReport = { ok: false, maxBlockMs: 0, maxGapMs: 0, elapsedMs: 0, htmlBytes: Buffer.byteLength(html) };
  try {
    // `await` also takes a synchronous extractor's plain return value.
    const page = await extractFromHtml(html, rules, spec.limits ?? {});
    report.ok = true;
    report.sizes = Object.fromEntries(Object.entries(page.extract).map(([name, value]) => [name, value === null ? null : value.length]));
    // Only small answers are sent back whole (stringifying a big one here would block this probe's loop).
    if (Object.values(report.sizes).every((size) => (size ?? 0) < 100)) report.value = page;
  } catch (error) {
    const { name, message } = error as Error;
    report.error = { name, message };
  }
  measure();
  clearInterval(ticker);
  report.elapsedMs = performance.now() - started;
  report.maxBlockMs = maxBlockMs;
  report.maxGapMs = maxGapMs;
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (import.meta.main) await main();
