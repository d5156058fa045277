/**
 * @module test/worker/measure/extract-hostile
 * Measures extraction on the ~20 KB bench page and on hostile pages: main-thread CPU per run
 * (process.threadCpuUsage, so a loaded machine's waiting does not count) and the longest
 * stretch the event loop was blocked (CPU time between two 1 ms interval ticks).
 * Run: `node test/worker/measure/extract-hostile.ts`; figures are in docs/extraction.md.
 */
import { normalizeExtract, type JobRequestInput } from '../../../shared/job-schema.ts';
import { extractFromHtml } from '../../../worker/src/extract/extract-fields.ts';
import { streamExtract } from '../../../worker/src/extract/streaming-extract.ts';
import { renderPage } from '../../support/test-site-pages.ts';
import { buildPage, type ProbePage } from '../extract-probe.ts';

const cpuMs = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};

async function measure(name: string, page: ProbePage | string, extract: NonNullable<JobRequestInput['extract']>, limits = {}, runs = 3): Promise<void> {
  const html = typeof page === 'string' ? page : buildPage(page);
  const rules = normalizeExtract(extract);
  let best = Infinity;
  let worstBlock = 0;
  let outcome = '';
  for (let run = 0; run < runs; run += 1) {
    let lastWall = performance.now();
    let lastCpu = cpuMs();
    let block = 0;
    const ticker = setInterval(() => {
      const wall = performance.now();
      const cpu = cpuMs();
      block = Math.max(block, Math.min(wall - lastWall, cpu - lastCpu));
      lastWall = wall;
      lastCpu = cpu;
    }, 1);
    const started = cpuMs();
    try {
      const result = await extractFromHtml(html, rules, limits);
      outcome = `ok (${Object.entries(result.extract).map(([key, value]) => `${key}: ${Array.isArray(value) ? `${value.length} values` : value === null ? 'null' : `${value.length} chars`}`).join(', ')})`;
    } catch (error) {
      outcome = (error as Error).name;
    }
    best = Math.min(best, cpuMs() - started);
    clearInterval(ticker);
    block = Math.max(block, Math.min(performance.now() - lastWall, cpuMs() - lastCpu));
    worstBlock = Math.max(worstBlock, block);
  }
  console.log(`${name.padEnd(58)} ${(Buffer.byteLength(html) / 1024).toFixed(0).padStart(6)} KiB  ${best.toFixed(1).padStart(8)} ms CPU  max block ${worstBlock.toFixed(1).padStart(6)} ms  ${outcome}`);
}

// The bench page: µs per page, synchronous and through the async driver the processor awaits.
const BENCH_RULES = normalizeExtract({ h1: 'h1', price: '.price', 'links[]': { selector: 'ul.links a', attr: 'href' } });
const pages = Array.from({ length: 50 }, (_, index) => renderPage(index + 1));
for (let index = 0; index < 2_000; index += 1) streamExtract(pages[index % 50]!, BENCH_RULES);
for (const [name, run] of [
  ['bench page, streamExtract (sync)', (html: string) => streamExtract(html, BENCH_RULES)],
  ['bench page, extractFromHtml (async, what the processor runs)', (html: string) => extractFromHtml(html, BENCH_RULES)],
] as const) {
  const samples: number[] = [];
  for (let round = 0; round < 15; round += 1) {
    const started = cpuMs();
    for (let index = 0; index < 1_000; index += 1) await run(pages[index % 50]!);
    samples.push(cpuMs() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(58)} ${(Buffer.byteLength(pages[0]!) / 1024).toFixed(0).padStart(6)} KiB  ${samples[7]!.toFixed(0).padStart(8)} µs CPU per page (median of 15 × 1,000)`);
}

const chain = (count: number) => Array.from({ length: count }, () => 'div').join(' ');
const NESTED_UNIT = '<div><p>some text <b>bold</b> and <a href="/x">link</a></p></div>\n';
const BIG = 5 * 1024 * 1024;
await measure('60-deep page, `span div×20` + `div×21` (streaming)', { kind: 'deep', depth: 60 }, { a: `span ${chain(20)}`, 'b[]': chain(21) }, {}, 20);
await measure('5 MiB page, bench rules (streaming)', { kind: 'repeat', unit: NESTED_UNIT, bytes: BIG }, { h1: 'h1', price: '.price', 'links[]': { selector: 'p > a', attr: 'href' } });
await measure('5 MiB page, {"t[]":"*"}, 1 MiB cap (streaming)', { kind: 'repeat', unit: NESTED_UNIT, bytes: BIG }, { 't[]': '*' });
await measure('5 MiB page, {"t[]":"*"}, 64 MiB cap (streaming)', { kind: 'repeat', unit: NESTED_UNIT, bytes: BIG }, { 't[]': '*' }, { maxResultBytes: 64 * 1024 * 1024 });
await measure('5 MiB page nested 500,000 deep, {"t[]":"*"}, 64 MiB cap', { kind: 'deep', depth: 500_000, text: 'word ' }, { 't[]': '*' }, { maxResultBytes: 64 * 1024 * 1024 });
await measure('5 MiB page, 50 rules × `p div×100` (work budget)', { kind: 'repeat', unit: `${'<div>'.repeat(100)}x${'</div>'.repeat(100)}`, bytes: BIG },
  Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`r${index}`, `p ${chain(100)}`])));
await measure('2 MiB page, `div:first-child p`, `p > a:last-child` (DOM)', { kind: 'repeat', unit: NESTED_UNIT, bytes: 2 * 1024 * 1024 }, { first: 'div:first-child p', 'links[]': { selector: 'p > a:last-child', attr: 'href' } });
await measure('3,000-deep page, `div:has(div:has(div:has(span)))` (DOM)', { kind: 'deep', depth: 3_000 }, { x: 'div:has(div:has(div:has(span)))' });
await measure('100,000-item list, `li:nth-child(2n)` (DOM)', { kind: 'repeat', unit: '<li>x</li>', bytes: 1_000_000, open: '<ul>', close: '</ul>' }, { 't[]': 'li:nth-child(2n)' }, {}, 1);
