/**
 * @module worker/extract/extract-output
 * The extraction output (pipeline/outputs/define-output.ts): the page's `<title>` and the job's
 * `extract` rules, as every job's result has always carried them. Streams the HTML when every
 * rule allows it, stops at the result cap and the work budget (extract-fields.ts).
 */
import { normalizeExtract } from '../../../shared/job-schema.ts';
import { defineOutput, type OutputDefinition } from '../pipeline/outputs/define-output.ts';
import type { ExtractLimits } from './extract-budget.ts';
import { extractFromHtml, notExtracted } from './extract-fields.ts';

export function extractOutput(limits: Partial<Pick<ExtractLimits, 'maxResultBytes'>> = {}): OutputDefinition {
  return defineOutput({
    name: 'extract',
    async run(page, options) {
      const rules = normalizeExtract(options.extract);
      // Yields to the event loop while it runs and stops at the result cap or the work budget.
      const { title, extract } = page.html === null ? notExtracted(rules) : await extractFromHtml(page.html, rules, limits);
      return { result: { title, extract } };
    },
  });
}
