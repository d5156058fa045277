/**
 * @module bench/core/results-writer
 * Stores one bench run: `bench/results/<timestamp>.json`, `latest.json` (the same content) and
 * `latest.md` (the tables as Markdown, ready to paste into the README).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { SuiteResult } from './suite.ts';
import { renderMarkdown } from './table.ts';

export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  /** Command-line options the run used. */
  options: Record<string, unknown>;
  machine: { cpus: number; cpuModel: string; memoryGb: number; kernel: string; node: string };
  suites: SuiteResult[];
}

export function machineInfo(): BenchRun['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
  };
}

export function renderRunMarkdown(run: BenchRun): string {
  const { machine } = run;
  const head = [
    `## Benchmarks (${run.startedAt.slice(0, 10)})`,
    '',
    `\`npm run bench${run.options.quick ? ' -- --quick' : ''}\` on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Linux ${machine.kernel}, Node ${machine.node}; ` +
      `${String(run.options.repeats)} repeat(s) per row, rows interleaved. Every figure is relative to the baseline row of its own table, measured in the same run.`,
    '',
  ];
  return [...head, ...run.suites.map(renderMarkdown)].join('\n');
}

export interface WrittenResults {
  json: string;
  latestJson: string;
  latestMarkdown: string;
}

export function writeResults(dir: string, run: BenchRun): WrittenResults {
  mkdirSync(dir, { recursive: true });
  const stamp = run.startedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify(run, null, 2) + '\n';
  const paths = {
    json: join(dir, `${stamp}.json`),
    latestJson: join(dir, 'latest.json'),
    latestMarkdown: join(dir, 'latest.md'),
  };
  writeFileSync(paths.json, json);
  writeFileSync(paths.latestJson, json);
  writeFileSync(paths.latestMarkdown, renderRunMarkdown(run));
  return paths;
}
