/**
 * @module worker/pipeline/outputs/run-outputs
 * The outputs stage: runs the outputs a job wants on its Page, one after the other (each may
 * hold the CPU; running them at once would only interleave them), and gathers their parts.
 */
import type { JobContext } from '../job-context.ts';
import type { Page } from '../page/page.ts';
import type { OutputArtifact, OutputDefinition, OutputResult } from './define-output.ts';

/** What the outputs of one run produced so far. */
export interface Outputs {
  result: OutputResult;
  artifacts: OutputArtifact[];
}

export function emptyOutputs(): Outputs {
  return { result: {}, artifacts: [] };
}

/** Runs `outputs` in order and adds their parts to `into`; the first error ends the run. */
export async function runOutputs(outputs: readonly OutputDefinition[], page: Page, ctx: JobContext, into: Outputs): Promise<Outputs> {
  for (const output of outputs) {
    const part = await output.run(page, ctx.options, ctx);
    if (part.result) Object.assign(into.result, part.result);
    if (part.artifacts) into.artifacts.push(...part.artifacts);
  }
  return into;
}
