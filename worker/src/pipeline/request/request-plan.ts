/**
 * @module worker/pipeline/request/request-plan
 * The request stage: from the job's options, what this run does. Which loader (fetch for
 * `http`, render for `browser`) and which outputs the job wants, split into those that need the
 * live browser page (run inside the render stage) and the rest (run after it), and whether the
 * page loads its assets for a capture. Pure.
 */
import type { JobMode, JobRequest } from '../../../../shared/job-schema.ts';
import { InvalidJobError } from '../../errors/index.ts';
import type { OutputDefinition } from '../outputs/define-output.ts';

export interface RequestPlan {
  mode: JobMode;
  /** Outputs that read the live browser page, inside the render stage. */
  browserOutputs: readonly OutputDefinition[];
  /** Outputs that read the Page once the loader gave its resources back. */
  pageOutputs: readonly OutputDefinition[];
  /**
   * Load images, fonts and CSS (browser mode): something captures the page as people see it, a
   * live-page output (screenshot/pdf format) or a `screenshot` action.
   */
  loadAssets: boolean;
}

export function planRequest(options: JobRequest, outputs: readonly OutputDefinition[]): RequestPlan {
  const browserOutputs: OutputDefinition[] = [];
  const pageOutputs: OutputDefinition[] = [];
  for (const output of outputs) {
    if (output.wanted(options)) (output.needsBrowser ? browserOutputs : pageOutputs).push(output);
  }
  // The edge refuses such requests; an older edge or a hand-made job still must not get an empty output.
  if (browserOutputs.length > 0 && options.mode !== 'browser') {
    throw new InvalidJobError(browserOutputs.map((output) => `mode: the "${output.name}" output needs mode "browser"`));
  }
  const loadAssets = browserOutputs.length > 0 || (options.actions ?? []).some((action) => action.type === 'screenshot');
  return { mode: options.mode, browserOutputs, pageOutputs, loadAssets };
}
