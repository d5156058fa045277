/**
 * @module worker/pipeline/outputs
 * The registry of outputs a worker produces, in the order their fields appear in a result.
 * A new output is one module (define-output.ts) added to this list; nothing else changes.
 */
import { extractOutput } from '../../extract/extract-output.ts';
import { formatLimits, formatOutputs } from '../../formats/index.ts';
import { DEFAULT_FORMAT_LIMITS } from '../../formats/define-format.ts';
import type { OutputDefinition } from './define-output.ts';

export interface OutputsConfig {
  /** QUARRY_MAX_RESULT_BYTES: the extraction result's cap. */
  maxResultBytes?: number;
  /** QUARRY_FORMAT_MAX_HTML_BYTES: the largest HTML the formats convert. */
  formatMaxHtmlBytes?: number;
}

export function createOutputs(config: OutputsConfig = {}): OutputDefinition[] {
  return [
    extractOutput(config.maxResultBytes === undefined ? {} : { maxResultBytes: config.maxResultBytes }),
    // `formats` (worker/src/formats/): screenshot and pdf on the live page, the others after the load.
    ...formatOutputs(formatLimits({ formatMaxHtmlBytes: config.formatMaxHtmlBytes ?? DEFAULT_FORMAT_LIMITS.maxHtmlBytes })),
  ];
}

export { defineOutput } from './define-output.ts';
export type { OutputArtifact, OutputDefinition, OutputPart, OutputResult } from './define-output.ts';
export { emptyOutputs, runOutputs, type Outputs } from './run-outputs.ts';
