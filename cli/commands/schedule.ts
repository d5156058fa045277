/**
 * @module cli/commands/schedule
 * `quarry schedule add|ls|rm|run`: recurring scrapes (POST/GET/DELETE /v1/schedules,
 * POST /v1/schedules/:id/run). One URL schedules a job, several a batch.
 */
import type { Command } from 'commander';
import type { ScheduleSummary } from '../client.ts';
import { writeJson, type CommandContext } from '../context.ts';
import { EXIT, UsageError } from '../errors.ts';
import { collectExtract, parseMode, type Mode } from '../flags.ts';
import { fields, paint } from '../format.ts';
import { useColor } from '../io.ts';

export interface ScheduleAddOptions {
  name?: string;
  every?: number;
  cron?: string;
  tz?: string;
  mode?: Mode;
  extract?: Record<string, string>;
  callbackUrl?: string;
  overlap?: 'skip' | 'allow';
  catchUp?: boolean;
  disabled?: boolean;
  json?: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--every 90s`, `15m`, `2h`, `1d` or plain milliseconds. */
export function parseEvery(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new UsageError(`--every takes a duration such as 30s, 15m, 2h, 1d or milliseconds (got "${value}")`);
  return Number(match[1]) * UNITS[match[2] ?? 'ms']!;
}

function parseOverlap(value: string): 'skip' | 'allow' {
  if (value === 'skip' || value === 'allow') return value;
  throw new UsageError(`--overlap must be "skip" or "allow" (got "${value}")`);
}

/** The request body `add` sends (exported for tests). */
export function scheduleBody(urls: string[], options: ScheduleAddOptions): Record<string, unknown> {
  if ((options.every === undefined) === (options.cron === undefined)) throw new UsageError('give exactly one of --every or --cron');
  if (options.tz !== undefined && options.cron === undefined) throw new UsageError('--tz applies to --cron only');
  const scrape: Record<string, unknown> = {};
  if (options.mode) scrape.mode = options.mode;
  if (options.extract) scrape.extract = options.extract;
  if (options.callbackUrl) scrape.callbackUrl = options.callbackUrl;
  const target = urls.length === 1 ? { job: { url: urls[0], ...scrape } } : { batch: { urls, defaults: scrape } };
  return {
    name: options.name ?? (urls.length === 1 ? urls[0] : `${urls.length} URLs`),
    ...(options.every !== undefined ? { everyMs: options.every } : { cron: options.cron, ...(options.tz ? { timezone: options.tz } : {}) }),
    target,
    ...(options.overlap ? { overlap: options.overlap } : {}),
    ...(options.catchUp ? { catchUp: true } : {}),
    ...(options.disabled ? { enabled: false } : {}),
  };
}

function formatSchedule(s: ScheduleSummary, color: boolean): string {
  return fields([
    ['schedule', s.id],
    ['name', s.name],
    ['when', s.cron ? `cron "${s.cron}" ${s.timezone ?? 'UTC'}` : `every ${s.everyMs} ms`],
    ['target', s.kind],
    ['enabled', s.enabled ? 'yes' : paint(color, 'yellow', 'no')],
    ['next', s.nextFireAt ?? '-'],
    ['last', s.lastFireAt ?? '-'],
    ['runs', `${s.fired} fired, ${s.skipped} skipped`],
    ['error', s.lastError ? paint(color, 'red', s.lastError.message) : undefined],
  ]);
}

export function registerSchedule(program: Command, ctx: CommandContext): void {
  const schedule = program.command('schedule').description('recurring scrapes: add, list, remove, run now');
  schedule
    .command('add')
    .description('schedule a URL (a job) or several URLs (a batch) by interval or cron')
    .argument('<urls...>', 'one or more URLs')
    .option('--every <duration>', 'fixed interval: 30s, 15m, 2h, 1d or milliseconds', parseEvery)
    .option('--cron <expression>', 'cron expression (5 fields, or 6 with seconds first)')
    .option('--tz <zone>', 'IANA time zone of --cron (default UTC)')
    .option('--name <name>', 'a name to recognise it by')
    .option('--mode <mode>', 'http (plain fetch) or browser (headless Chromium)', parseMode)
    .option('--extract <name=selector>', 'extract the first match of a CSS selector; repeatable', collectExtract)
    .option('--callback-url <url>', 'POST each run\'s result here')
    .option('--overlap <rule>', 'skip (default) or allow a slot while the previous run is still going', parseOverlap)
    .option('--catch-up', 'after an outage, fire the missed slots (at most 10)')
    .option('--disabled', 'store it paused')
    .option('--json', 'print the API\'s answer as JSON')
    .action(async (urls: string[], options: ScheduleAddOptions, command: Command) => {
      const stored = await ctx.client(command).createSchedule(scheduleBody(urls, options));
      if (options.json) writeJson(ctx.io, stored);
      else ctx.io.stdout.write(`schedule ${stored.id}: next run ${stored.nextFireAt ?? '(disabled)'}\n`);
      ctx.setExitCode(EXIT.ok);
    });
  schedule
    .command('ls')
    .description('list your schedules')
    .option('--json', 'print the API\'s answer as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { schedules } = await ctx.client(command).listSchedules();
      if (options.json) writeJson(ctx.io, schedules);
      else if (schedules.length === 0) ctx.io.stdout.write('no schedules\n');
      else ctx.io.stdout.write(schedules.map((s) => formatSchedule(s, useColor(ctx.io))).join('\n'));
      ctx.setExitCode(EXIT.ok);
    });
  schedule
    .command('rm')
    .description('delete a schedule (runs already started finish)')
    .argument('<id>', 'schedule id')
    .action(async (id: string, _options: unknown, command: Command) => {
      await ctx.client(command).deleteSchedule(id);
      ctx.io.stdout.write(`schedule ${id}: deleted\n`);
      ctx.setExitCode(EXIT.ok);
    });
  schedule
    .command('run')
    .description('run a schedule now, whatever its timing and overlap rule')
    .argument('<id>', 'schedule id')
    .option('--json', 'print the API\'s answer as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const run = await ctx.client(command).runSchedule(id);
      if (options.json) writeJson(ctx.io, run);
      else ctx.io.stdout.write(`${run.kind} ${run.runId} queued (${run.statusUrl})\n`);
      ctx.setExitCode(EXIT.ok);
    });
}
