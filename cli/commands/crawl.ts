/**
 * @module cli/commands/crawl
 * `quarry crawl <url> [--limit n] [--depth n] [--wait]`: start a crawl (with `--wait`, a
 * progress bar until it ends; exit 1 when it failed); `quarry crawl pages <id> --jsonl`: every
 * finished page with its result, one JSON object per line (NDJSON streamed from the API);
 * `quarry crawl status <id>` and `quarry crawl cancel <id>`.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { CrawlView, QuarryClient } from '../client.ts';
import { writeJson, type CommandContext } from '../context.ts';
import { EXIT, UsageError } from '../errors.ts';
import { parseMode, type Mode } from '../flags.ts';
import type { CliIo } from '../io.ts';

interface StartOptions {
  limit?: number;
  depth?: number;
  wait?: boolean;
  json?: boolean;
  mode?: Mode;
  sitemap?: 'include' | 'skip' | 'only';
  include?: string[];
  exclude?: string[];
  maxConcurrency?: number;
  idempotencyKey?: string;
}

const wholeNumber = (flag: string, min: number) => (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${flag} takes a whole number ≥ ${min} (got "${value}")`);
  return Number(value);
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
const sitemapMode = (value: string) => {
  if (value === 'include' || value === 'skip' || value === 'only') return value;
  throw new UsageError(`--sitemap must be include, skip or only (got "${value}")`);
};

const FINAL = new Set(['completed', 'cancelled', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summary(view: CrawlView): string {
  const s = view.skipped;
  return `crawl ${view.id}: ${view.status}, ${view.completed} pages scraped, ${view.failed} failed`
    + ` (discovered ${view.discovered}; skipped: ${s.robots} robots, ${s.scope} off-scope, ${s.depth} too deep, ${s.duplicate} duplicate, ${s.limit} over limit)`
    + `${view.error ? `: ${view.error}` : ''}\n`;
}

/** Polls until the crawl ends, drawing a bar of finished pages over admitted ones (stderr). */
async function waitForCrawl(client: QuarryClient, id: string, io: CliIo): Promise<CrawlView> {
  const tty = io.stderr.isTTY === true;
  const bar = tty ? new SingleBar({ stream: io.stderr, format: '{bar} {value}/{total} pages | {failed} failed | {discovered} discovered', hideCursor: true }, Presets.shades_classic) : undefined;
  let started = false;
  let last = '';
  try {
    for (;;) {
      const view = await client.getCrawl(id);
      const done = view.completed + view.failed;
      const total = Math.max(view.accepted, done, 1);
      if (bar) {
        if (!started) bar.start(total, done, { failed: view.failed, discovered: view.discovered });
        else { bar.setTotal(total); bar.update(done, { failed: view.failed, discovered: view.discovered }); }
        started = true;
      } else {
        const line = `progress: ${done}/${view.accepted} pages (${view.failed} failed, ${view.discovered} discovered)`;
        if (line !== last) io.stderr.write(`${line}\n`);
        last = line;
      }
      if (FINAL.has(view.status) && view.finishedAt) return view;
      await sleep(1000);
    }
  } finally {
    if (started) bar?.stop();
  }
}

export function registerCrawl(program: Command, ctx: CommandContext): void {
  const crawl = program.command('crawl').description('crawl a site: quarry crawl <url>, quarry crawl pages <id> --jsonl');
  crawl
    .command('start <url>', { isDefault: true })
    .description('start a crawl from <url> (the default: quarry crawl <url>)')
    .option('--limit <n>', 'pages to scrape (default 1000)', wholeNumber('--limit', 1))
    .option('--depth <n>', 'link hops from the start page (default 10)', wholeNumber('--depth', 0))
    .option('--mode <mode>', 'http or browser', parseMode)
    .option('--sitemap <mode>', 'include, skip or only', sitemapMode)
    .option('--include <regex>', 'follow only paths matching (repeatable)', collect)
    .option('--exclude <regex>', 'never follow paths matching (repeatable)', collect)
    .option('--max-concurrency <n>', 'page jobs this crawl keeps queued or running', wholeNumber('--max-concurrency', 1))
    .option('--idempotency-key <key>', 'the same key names the same crawl')
    .option('--wait', 'show progress until the crawl ends (exit 1 when it failed)')
    .option('--json', 'print the API\'s answer (with --wait: the final status) as JSON')
    .action(async (url: string, options: StartOptions, command: Command) => {
      const client = ctx.client(command);
      const body: Record<string, unknown> = { url };
      if (options.limit !== undefined) body.limit = options.limit;
      if (options.depth !== undefined) body.maxDepth = options.depth;
      if (options.sitemap) body.sitemap = options.sitemap;
      if (options.include) body.includePaths = options.include;
      if (options.exclude) body.excludePaths = options.exclude;
      if (options.maxConcurrency !== undefined) body.maxConcurrency = options.maxConcurrency;
      if (options.idempotencyKey) body.idempotencyKey = options.idempotencyKey;
      if (options.mode) body.scrape = { mode: options.mode };
      const accepted = await client.createCrawl(body);
      if (!options.wait) {
        if (options.json) writeJson(ctx.io, accepted);
        else ctx.io.stdout.write(`crawl ${accepted.id}: ${accepted.duplicate ? `already ${accepted.status}` : 'started'}\n`);
        return;
      }
      const view = await waitForCrawl(client, accepted.id, ctx.io);
      if (options.json) writeJson(ctx.io, view);
      else ctx.io.stdout.write(summary(view));
      ctx.setExitCode(view.status === 'failed' ? EXIT.jobsFailed : EXIT.ok);
    });
  crawl
    .command('pages <id>')
    .description('every finished page of a crawl with its result')
    .option('--jsonl', 'one JSON object per line (the default; kept for clarity in scripts)')
    .option('--status <status>', 'only completed or failed pages')
    .action(async (id: string, options: { status?: string }, command: Command) => {
      if (options.status !== undefined && options.status !== 'completed' && options.status !== 'failed') throw new UsageError(`--status must be completed or failed (got "${options.status}")`);
      for await (const line of ctx.client(command).crawlPageLines(id, options.status)) ctx.io.stdout.write(`${line}\n`);
    });
  crawl
    .command('status <id>')
    .description('a crawl\'s status and counts')
    .option('--wait', 'show progress until it ends')
    .option('--json', 'print the API\'s answer as JSON')
    .action(async (id: string, options: { wait?: boolean; json?: boolean }, command: Command) => {
      const client = ctx.client(command);
      const view = options.wait ? await waitForCrawl(client, id, ctx.io) : await client.getCrawl(id);
      if (options.json) writeJson(ctx.io, view);
      else ctx.io.stdout.write(summary(view));
      ctx.setExitCode(view.status === 'failed' ? EXIT.jobsFailed : EXIT.ok);
    });
  crawl
    .command('cancel <id>')
    .description('stop a crawl: pages not started are removed, running ones finish')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const outcome = await ctx.client(command).cancelCrawl(id);
      if (options.json) return writeJson(ctx.io, outcome);
      ctx.io.stdout.write(`crawl ${id}: cancelled (${outcome.removed} queued pages removed, ${outcome.running} still running)\n`);
    });
}
