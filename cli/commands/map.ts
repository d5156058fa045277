/**
 * @module cli/commands/map
 * `quarry map <url>`: a site's URLs from its start page and sitemaps, without scraping each page
 * (POST /v1/map; the edge waits up to 30 s for a worker).
 */
import type { Command } from 'commander';
import { writeJson, type CommandContext } from '../context.ts';
import { EXIT, UsageError } from '../errors.ts';

function parseSitemap(value: string): 'include' | 'skip' | 'only' {
  if (value === 'include' || value === 'skip' || value === 'only') return value;
  throw new UsageError(`--sitemap must be include, skip or only (got "${value}")`);
}

function parseMapLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--limit takes a whole number ≥ 1 (got "${value}")`);
  return Number(value);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface MapOptions {
  limit?: number;
  sitemap?: 'include' | 'skip' | 'only';
  subdomains?: boolean;
  ignoreQuery?: boolean;
  include?: string[];
  exclude?: string[];
  json?: boolean;
}

export function mapBody(url: string, options: MapOptions): Record<string, unknown> {
  return {
    url,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.sitemap ? { sitemap: options.sitemap } : {}),
    ...(options.subdomains ? { includeSubdomains: true } : {}),
    ...(options.ignoreQuery ? { ignoreQueryParameters: true } : {}),
    ...(options.include ? { includePaths: options.include } : {}),
    ...(options.exclude ? { excludePaths: options.exclude } : {}),
  };
}

export function registerMap(program: Command, ctx: CommandContext): void {
  program
    .command('map')
    .description("list a site's URLs (start page links and sitemaps), one per line")
    .argument('<url>', 'start URL')
    .option('--limit <n>', 'URLs returned at most', parseMapLimit)
    .option('--sitemap <mode>', 'include (default), skip, or only (read no page)', parseSitemap)
    .option('--subdomains', "also list URLs on the start host's subdomains")
    .option('--ignore-query', 'treat URLs differing only in their query as one')
    .option('--include <regex>', 'keep only paths matching (RE2); repeatable', collect)
    .option('--exclude <regex>', 'drop paths matching (RE2); repeatable', collect)
    .action(async (url: string, options: MapOptions, command: Command) => {
      const answer = await ctx.client(command).map(mapBody(url, options));
      if (options.json) writeJson(ctx.io, answer);
      else {
        // URLs alone on stdout (pipe into `quarry enqueue -`); the notes go to stderr.
        ctx.io.stdout.write(answer.links.map((link) => `${link}\n`).join(''));
        for (const note of answer.notes) ctx.io.stderr.write(`note: ${note}\n`);
      }
      ctx.setExitCode(EXIT.ok);
    });
}
