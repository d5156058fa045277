/**
 * @module worker/formats/formats-output
 * The formats as pipeline outputs (pipeline/outputs/define-output.ts), two of them:
 * - `formats`: the page formats a job lists (markdown, html, rawHtml, links, metadata), run on
 *   the Page once the loader is done: in browser mode that Page holds the rendered DOM;
 * - `browser-formats`: screenshot and pdf, run on the live page inside the render stage
 *   (`needsBrowser`), before the page goes back to the pool. Their files go to the artifacts
 *   effect, which stores them and names them in the result.
 * A job without `formats` wants neither, so its result keeps the shape it always had.
 */
import type { FormatEntry } from '../../../shared/scrape-options/index.ts';
import type { JobRequest } from '../../../shared/job-schema.ts';
import { defineOutput, type OutputDefinition } from '../pipeline/outputs/define-output.ts';
import type { JobContext } from '../pipeline/job-context.ts';
import type { FormatContext, FormatLimits, FormatOptions } from './define-format.ts';
import { runFormats } from './index.ts';

/** The schema's rule: objects (screenshot, pdf) need the live page, names are computed from the HTML. */
const needsLivePage = (entry: FormatEntry) => typeof entry !== 'string';

function entriesOf(options: JobRequest, live: boolean): FormatEntry[] {
  return (options.formats ?? []).filter((entry) => needsLivePage(entry) === live);
}

function scrapeOf(options: JobRequest): FormatOptions['scrape'] {
  const { mode, onlyMainContent, includeTags, excludeTags } = options;
  return { mode, onlyMainContent, includeTags, excludeTags };
}

function contextOf(limits: FormatLimits, ctx: JobContext): FormatContext {
  return { limits, signal: ctx.signal, remainingMs: () => ctx.deadline.remainingMs() };
}

export function formatOutputs(limits: FormatLimits): OutputDefinition[] {
  const output = (name: string, live: boolean) => defineOutput({
    name,
    needsBrowser: live,
    wanted: (options) => entriesOf(options, live).length > 0,
    async run(page, options, ctx) {
      return runFormats(page, entriesOf(options, live), scrapeOf(options), contextOf(limits, ctx));
    },
  });
  return [output('browser-formats', true), output('formats', false)];
}
