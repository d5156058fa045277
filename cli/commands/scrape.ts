/**
 * @module cli/commands/scrape
 * `quarry scrape <url> --format markdown`: enqueues one job, waits for it and prints what it
 * asked for: one text format (markdown, html, rawHtml) as it is, links one per line, anything
 * else as JSON; screenshots and PDFs as their signed URLs, or saved with --save <dir>. A result
 * over the inline threshold is fetched whole from its signed `result.json`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { JobResult } from '../../shared/job-result.ts';
import type { FormatEntry } from '../../shared/scrape-options/index.ts';
import type { JobView, QuarryClient } from '../client.ts';
import { writeJson, type CommandContext } from '../context.ts';
import { CliError, EXIT, UsageError } from '../errors.ts';
import { collectExtract, parseMode, parseSeconds, type Mode } from '../flags.ts';
import { fetchJob } from './status.ts';

const TEXT_FORMATS = ['markdown', 'html', 'rawHtml'] as const;
const FORMAT_NAMES = ['markdown', 'html', 'rawHtml', 'links', 'metadata', 'screenshot', 'pdf'] as const;
type FormatFlag = (typeof FORMAT_NAMES)[number];

export interface ScrapeOptions {
  format?: FormatFlag[];
  mode?: Mode;
  extract?: Record<string, string>;
  onlyMainContent?: boolean;
  fullPage?: boolean;
  wait?: number;
  json?: boolean;
  save?: string;
}

function collectFormat(value: string, previous: FormatFlag[] = []): FormatFlag[] {
  const name = value === 'raw-html' ? 'rawHtml' : value;
  if (!(FORMAT_NAMES as readonly string[]).includes(name)) throw new UsageError(`--format must be one of ${FORMAT_NAMES.join(', ')} (got "${value}")`);
  if (previous.includes(name as FormatFlag)) throw new UsageError(`--format names "${name}" twice`);
  return [...previous, name as FormatFlag];
}

function requestOf(url: string, options: ScrapeOptions, formats: FormatFlag[]) {
  const entries: FormatEntry[] = formats.map((name) => (name === 'screenshot' ? { type: 'screenshot', ...(options.fullPage ? { fullPage: true } : {}) } : name === 'pdf' ? { type: 'pdf' } : name));
  // Captures need the browser: asked for without --mode, the job gets it.
  const mode = options.mode ?? (formats.some((name) => name === 'screenshot' || name === 'pdf') ? 'browser' : undefined);
  return {
    url, formats: entries,
    ...(mode ? { mode } : {}),
    ...(options.extract ? { extract: options.extract } : {}),
    ...(options.onlyMainContent ? { onlyMainContent: true } : {}),
  };
}

/** The whole result: a stub's `result.json` is downloaded from its signed URL. */
async function wholeResult(client: QuarryClient, result: JobResult): Promise<JobResult> {
  if (!result.offloaded) return result;
  const file = result.artifacts?.find((artifact) => artifact.type === 'result' && artifact.url);
  if (!file) return result;
  const whole = JSON.parse(new TextDecoder().decode(await client.download(file.url!))) as JobResult;
  return { ...whole, artifacts: result.artifacts?.filter((artifact) => artifact !== file) ?? [] };
}

export function registerScrape(program: Command, ctx: CommandContext): void {
  program
    .command('scrape')
    .description('scrape one URL and print it: --format markdown (default), html, rawHtml, links, metadata, screenshot, pdf')
    .argument('<url>', 'the page to scrape')
    .option('--format <name>', 'what to return; repeatable', collectFormat)
    .option('--mode <mode>', 'http (plain fetch) or browser (headless Chromium); screenshot and pdf imply browser', parseMode)
    .option('--extract <name=selector>', 'extract the first match of a CSS selector too; repeatable', collectExtract)
    .option('--only-main-content', 'markdown and html of the main content only')
    .option('--full-page', 'screenshot the whole page, not just the viewport')
    .option('--wait <seconds>', 'how long to wait for the job (default 120)', parseSeconds('--wait'))
    .option('--save <dir>', 'save screenshots and PDFs into this directory instead of printing their URLs')
    .option('--json', 'print the job (state and whole result) as JSON')
    .action(async (url: string, options: ScrapeOptions, command: Command) => {
      const client = ctx.client(command);
      const formats = options.format ?? ['markdown'];
      const accepted = await client.createJob(requestOf(url, options, formats));
      const job: JobView = await fetchJob(client, accepted.id, options.wait ?? 120);
      if (job.status === 'failed') throw new CliError(`job ${job.id} failed: ${job.error ?? 'no reason given'}`, EXIT.jobsFailed);
      if (job.status !== 'completed' || !job.result) {
        throw new CliError(`job ${job.id} is still ${job.status}: follow it with quarry status ${job.id} --wait 60`, EXIT.jobsFailed);
      }
      // The same schema on both sides; the generated type marks an `unknown` field (value) optional.
      const result = await wholeResult(client, job.result as JobResult);
      if (options.json) return writeJson(ctx.io, { ...job, result });
      const { io } = ctx;
      const files = result.artifacts ?? [];
      if (files.length > 0) {
        if (options.save) {
          await mkdir(options.save, { recursive: true });
          for (const file of files) {
            const path = join(options.save, file.name);
            await writeFile(path, await client.download(file.url!));
            io.stderr.write(`saved ${path} (${file.bytes} bytes)\n`);
          }
        } else {
          for (const file of files) io.stdout.write(`${file.name}  ${file.url ?? file.key}\n`);
        }
      }
      const pageFormats = formats.filter((name) => name !== 'screenshot' && name !== 'pdf');
      if (pageFormats.length === 1 && (TEXT_FORMATS as readonly string[]).includes(pageFormats[0]!)) {
        const text = result[pageFormats[0] as (typeof TEXT_FORMATS)[number]] ?? '';
        io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      } else if (pageFormats.length === 1 && pageFormats[0] === 'links' && !options.extract) {
        io.stdout.write((result.links ?? []).map((link) => `${link}\n`).join(''));
      } else if (pageFormats.length > 0 || options.extract) {
        const picked: Record<string, unknown> = { url: result.url, title: result.title };
        if (options.extract) picked.extract = result.extract;
        for (const name of pageFormats) picked[name] = result[name];
        writeJson(io, picked);
      }
    });
}
