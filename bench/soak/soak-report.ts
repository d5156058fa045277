/**
 * @module bench/soak/soak-report
 * The soak's findings as tables (plain text for the terminal, Markdown for soak-latest.md) and
 * the JSON written under bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineInfo } from '../core/results-writer.ts';
import type { ChaosEvent } from './chaos.ts';
import type { BrokerSnapshot } from './memory-probe.ts';
import { spreadOf, type WorkerRss } from './rss-sampler.ts';

export interface Phase {
  name: string;
  broker: BrokerSnapshot;
  resultsUsedMemory: number;
  resultKeys: number;
}

export interface SoakReport {
  startedAt: string;
  durationSeconds: number;
  /** Seconds from the workers' start to the drained queue. */
  drainSeconds: number;
  options: Record<string, unknown>;
  outcome: {
    accepted: number; completed: number; failed: number; lost: number;
    /** Jobs whose result was written more than once. */
    duplicated: number;
    /** Pages the site served more than once (a re-run that stored once is not a duplicate effect). */
    refetched: number;
    /** Jobs BullMQ moved back from a dead worker (stalled events). */
    stalled: number;
    /** Duplicates whose first write came within 1 s of a SIGKILL, moved back as stalled before the second. */
    killedAfterStore: number;
    /** Jobs in BullMQ's failed set, those with a stored result included. */
    inFailedSet: number;
    resultWrites: number;
    /** `SET` calls the result store counted (INFO commandstats): cross-checks the notifications. */
    resultSetCalls: number;
  };
  perJob: { queuedBytesByUsedMemory: number; jobHashBytes: { page: number | null; js: number | null }; resultBytesByUsedMemory: number; resultKeyBytes: { page: number | null; js: number | null } };
  phases: Phase[];
  workers: Array<WorkerRss & { killed: boolean; lifetimeSeconds: number }>;
  chaos: ChaosEvent[];
  /** Every problem found: lost ids, duplicates with their timing, failed reasons. */
  findings: string[];
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const int = (n: number) => n.toLocaleString('en-US');

function grid(header: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
  }
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [rule, line(header), rule, ...rows.map(line), rule].join('\n');
}

export function renderReport(report: SoakReport, markdown: boolean): string {
  const { outcome, perJob, phases } = report;
  const title = (text: string) => (markdown ? `### ${text}` : `\n${text}`);
  const outcomeTable = grid(['jobs', 'count'], [
    ['accepted', int(outcome.accepted)], ['completed (result stored)', int(outcome.completed)], ['failed for good', int(outcome.failed)],
    ['lost (accepted − completed − failed; must be 0)', int(outcome.lost)],
    ['duplicated effects (result stored > once; must be 0)', int(outcome.duplicated)],
    ['… of which killed between result write and finish', outcome.killedAfterStore === undefined ? '—' : int(outcome.killedAfterStore)],
    ['jobs recovered from a dead worker (stalled)', int(outcome.stalled)],
    ['pages fetched > once', int(outcome.refetched)],
    ['result writes seen / SET calls at the result store', `${int(outcome.resultWrites)} / ${int(outcome.resultSetCalls)}`],
  ], markdown);
  const empty = phases[0]!.broker.usedMemory;
  const memoryTable = grid(['phase', 'broker used_memory MB', '× empty', 'broker keys', 'job hashes', 'events XLEN', 'completed kept', 'results used_memory MB', 'result keys'],
    phases.map((phase) => [phase.name, mb(phase.broker.usedMemory), `×${(phase.broker.usedMemory / empty).toFixed(2)}`, int(phase.broker.keys),
      int(phase.broker.jobHashes), int(phase.broker.eventsLength), int(phase.broker.completed), mb(phase.resultsUsedMemory), int(phase.resultKeys)]), markdown);
  const bytes = (value: number | null) => (value === null ? '—' : int(Math.round(value)));
  const perJobTable = grid(['bytes', 'used_memory Δ / N', 'MEMORY USAGE, http job', 'MEMORY USAGE, browser job'], [
    ['per queued job (broker)', bytes(perJob.queuedBytesByUsedMemory), bytes(perJob.jobHashBytes.page), bytes(perJob.jobHashBytes.js)],
    ['per stored result (result store)', bytes(perJob.resultBytesByUsedMemory), bytes(perJob.resultKeyBytes.page), bytes(perJob.resultKeyBytes.js)],
  ], markdown);
  const spread = (s: { min: number; median: number; max: number } | null) => (s ? `${s.min.toFixed(0)} / ${s.median.toFixed(0)} / ${s.max.toFixed(0)}` : '—');
  const workerRow = (w: SoakReport['workers'][number]) => [w.name, w.killed ? 'SIGKILL' : 'SIGTERM at end', String(Math.round(w.lifetimeSeconds)), String(w.samples.length), spread(w.node), spread(w.tree)];
  // Many short-lived workers (a kill every K s): the first two, the last two, and every sample pooled.
  const shown = report.workers.length <= 6 ? report.workers.map(workerRow) : [
    ...report.workers.slice(0, 2).map(workerRow), [`… ${report.workers.length - 4} more`, '', '', '', '', ''], ...report.workers.slice(-2).map(workerRow),
    [`all ${report.workers.length} pooled`, '', '', String(report.workers.reduce((n, w) => n + w.samples.length, 0)),
      spread(spreadOf(report.workers.flatMap((w) => w.samples.map((s) => s.nodeMb)))), spread(spreadOf(report.workers.flatMap((w) => w.samples.map((s) => s.treeMb))))],
  ];
  const rssTable = grid(['worker', 'ended', 'lived s', 'samples', 'Node RSS MB min / median / max', 'tree PSS MB (with Chromium) min / median / max'], shown, markdown);
  const chaos = report.chaos.map((event) => `${new Date(event.at).toISOString().slice(11, 19)} ${event.detail} (${event.ms} ms)`);
  const bullet = (text: string) => (markdown ? `- ${text}` : `  • ${text}`);
  return [
    title(`Soak: ${int(outcome.accepted)} jobs, ${report.durationSeconds.toFixed(0)} s (drain ${report.drainSeconds.toFixed(0)} s), ${report.chaos.filter((e) => e.kind === 'worker-kill').length} worker kills, ${report.chaos.filter((e) => e.kind === 'redis-restart').length} broker restart(s)`),
    '', outcomeTable, '', title('Redis memory by phase'), '', memoryTable, '', title('Bytes per job'), '', perJobTable, '',
    title('Worker RSS (sampled every few seconds)'), '', rssTable, '', title('Faults'), '', ...chaos.map(bullet),
    ...(report.findings.length ? ['', title('Findings'), '', ...report.findings.map(bullet)] : []), '',
  ].join('\n');
}

export function writeReport(dir: string, report: SoakReport, markdownName?: string): { json: string; markdown?: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `soak-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(json, JSON.stringify({ ...report, machine: machineInfo() }, null, 2) + '\n');
  if (!markdownName) return { json };
  const machine = machineInfo();
  const head = `## Soak (${report.startedAt.slice(0, 10)})\n\n\`npm run bench:soak${report.options.quick ? ' -- --quick' : ''}\` on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}. Options: \`${JSON.stringify(report.options)}\`.\n\n`;
  const markdown = join(dir, markdownName);
  writeFileSync(markdown, head + renderReport(report, true));
  return { json, markdown };
}
