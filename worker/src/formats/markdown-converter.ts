/**
 * @module worker/formats/markdown-converter
 * HTML → GitHub-flavoured markdown with mdream (Rust, napi), picked by measurement over
 * turndown+GFM, node-html-markdown and html-to-markdown-node (docs/formats.md,
 * bench/formats/compare-converters.ts). Pages up to one slice convert in one synchronous call
 * (~50 µs for a 20 KB page); larger ones through mdream's stream in slices (html-input.ts).
 * Both paths give the same output (test/formats/markdown.test.ts checks it).
 *
 * mdream resolves relative links and images against `origin` when given a full URL, but ignores
 * `<base href>`: the caller passes the document's base URL. `<title>` is filtered out (mdream
 * would print its text as the first line; the title belongs to `metadata`).
 */
import { htmlToMarkdown, streamHtmlToMarkdown, type MdreamOptions } from 'mdream';
import type { FormatContext } from './define-format.ts';
import { sliceStream } from './html-input.ts';
import { OutputBuffer } from './output-buffer.ts';

function options(base: string): Partial<MdreamOptions> {
  return { origin: base, filter: { exclude: ['title'] } };
}

export async function convertToMarkdown(html: string, base: string, ctx: FormatContext): Promise<string> {
  if (html.length <= ctx.limits.oneCallChars) return htmlToMarkdown(html, options(base)).trim();
  // Collected in groups as they arrive: one join of the whole output at the end held the loop ~27 ms per 5 MiB.
  const parts = new OutputBuffer();
  for await (const part of streamHtmlToMarkdown(sliceStream(html, ctx), options(base))) parts.push(part);
  return parts.toTrimmedString();
}
