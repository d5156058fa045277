/**
 * @module bench/formats/hostile
 * Hostile pages, each converted in a child process of its own (`--hostile-child`), because a
 * native converter may crash the process (html-to-markdown-node 2.18 segfaults on 100,000
 * nested divs) or run for a very long time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FORMAT_LIMITS, runFormats } from '../../worker/src/formats/index.ts';
import { convertToMarkdown } from '../../worker/src/formats/markdown-converter.ts';
import { FORMAT_PAGE_URL } from '../../test/support/format-pages.ts';
import { loadCandidates } from './converters.ts';
import { timeAndBlock } from './timing.ts';

const MIB = 1024 * 1024;
/** One flat string, as the fetcher's TextDecoder makes it (`repeat` builds a rope that costs 25–120 ms to flatten on first read). */
const decoded = (html: string) => new TextDecoder().decode(new TextEncoder().encode(html));

export const HOSTILE_PAGES: Record<string, () => string> = {
  '5 MiB paragraphs': () => decoded(('<p>' + 'word '.repeat(200) + '<a href="/x">link</a></p>\n').repeat(Math.ceil((5 * MIB) / 1024))),
  '5 MiB table (400 columns)': () => decoded('<table>' + ('<tr>' + '<td>cell</td>'.repeat(400) + '</tr>').repeat(Math.ceil((5 * MIB) / 5200)) + '</table>'),
  '100,000 nested divs': () => decoded('<div>'.repeat(100_000) + 'x' + '</div>'.repeat(100_000)),
};

const ctx = { limits: DEFAULT_FORMAT_LIMITS };
const page = (html: string) => ({ url: FORMAT_PAGE_URL, finalUrl: FORMAT_PAGE_URL, status: 200, contentType: 'text/html', headers: {}, html, fetchedAt: new Date().toISOString() });

/** Converters measured on hostile pages: the candidates in one call, and Quarry's sliced paths. */
async function converter(name: string): Promise<(html: string) => Promise<unknown>> {
  if (name === 'Quarry markdown (mdream, sliced)') return (html) => convertToMarkdown(html, FORMAT_PAGE_URL, ctx);
  if (name === 'Quarry html (streaming rewrite, sliced)') return (html) => runFormats(page(html), ['html'], { mode: 'http' }, ctx);
  const candidate = (await loadCandidates()).find((c) => `${c.name} (one call)` === name);
  if (!candidate?.convert) throw new Error(`no converter ${name}`);
  return async (html) => candidate.convert!(html, FORMAT_PAGE_URL);
}

export const QUARRY_HOSTILE_ROWS = ['Quarry markdown (mdream, sliced)', 'Quarry html (streaming rewrite, sliced)'];

/** Child side: convert one page with one converter, print `{ms, blockMs}` or `{error}` as JSON. */
export async function hostileChild(name: string, pageName: string): Promise<void> {
  const convert = await converter(name);
  const html = HOSTILE_PAGES[pageName]!();
  try {
    console.log(JSON.stringify(await timeAndBlock(() => convert(html))));
  } catch (error) {
    console.log(JSON.stringify({ error: (error as Error).name }));
  }
}

/** Parent side: one cell of the hostile table. */
export function hostileCell(name: string, pageName: string, timeoutMs = 60_000): string {
  const script = fileURLToPath(new URL('./compare-converters.ts', import.meta.url));
  const child = spawnSync(process.execPath, [script, '--hostile-child', name, pageName], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1024 * 1024 });
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return `over ${timeoutMs / 1000} s`;
  if (child.signal) return `crashed (${child.signal})`;
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    const result = JSON.parse(line) as { ms?: number; blockMs?: number; error?: string };
    return result.error ? `refused (${result.error})` : `${result.ms!.toFixed(0)} / ${result.blockMs!.toFixed(0)} ms`;
  } catch {
    return `failed: ${(child.stderr || line).split('\n')[0]!.slice(0, 80)}`;
  }
}
