/**
 * @module bench/formats/converters
 * The HTML → markdown candidates of issue 14, each configured the way Quarry would run it:
 * ATX headings, fenced code, `-` bullets, no title line where the library allows. Only mdream
 * takes a base URL; the others leave relative URLs as they are. Candidates that fail to load
 * (a native package missing for this platform) are reported as such, not skipped silently.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { htmlToMarkdown } from 'mdream';

export type Convert = (html: string, baseUrl: string) => string;
export interface Candidate { name: string; version: string; convert?: Convert; loadError?: string }

const require = createRequire(import.meta.url);
const version = (name: string) => {
  try {
    return (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};

async function load(name: string, packageName: string, make: () => Promise<Convert>): Promise<Candidate> {
  try {
    return { name, version: version(packageName), convert: await make() };
  } catch (error) {
    return { name, version: version(packageName), loadError: (error as Error).message.split('\n')[0]! };
  }
}

export async function loadCandidates(): Promise<Candidate[]> {
  return Promise.all([
    load('turndown + GFM plugin', 'turndown', async () => {
      // No bundled types: required untyped, like the GFM plugin.
      const TurndownService = require('turndown') as new (options: object) => { use(plugin: unknown): void; remove(tags: string[]): void; turndown(html: string): string };
      const { gfm } = require('@joplin/turndown-plugin-gfm') as { gfm: unknown };
      const service = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
      service.use(gfm);
      service.remove(['script', 'style', 'title']);
      return (html) => service.turndown(html);
    }),
    load('node-html-markdown', 'node-html-markdown', async () => {
      const { NodeHtmlMarkdown } = await import('node-html-markdown');
      const converter = new NodeHtmlMarkdown({ bulletMarker: '-' });
      return (html) => converter.translate(html);
    }),
    load('mdream', 'mdream', async () => (html, baseUrl) => htmlToMarkdown(html, { origin: baseUrl, filter: { exclude: ['title'] } })),
    load('html-to-markdown-node', 'html-to-markdown-node', async () => {
      const { convert } = await import('html-to-markdown-node');
      // 'Backticks': fenced code (the default is indented); no YAML front matter.
      return (html) => convert(html, { codeBlockStyle: 'Backticks' as never, extractMetadata: false });
    }),
  ]);
}
