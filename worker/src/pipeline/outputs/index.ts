/**
 * @module worker/pipeline/outputs
 * The registry of outputs a worker produces, in the order their fields appear in a result.
 * A new output is one module (define-output.ts) added to this list; nothing else changes.
 */
import { extractOutput } from '../../extract/extract-output.ts';
import type { OutputDefinition } from './define-output.ts';

export interface OutputsConfig {
  /** QUARRY_MAX_RESULT_BYTES: the extraction result's cap. */
  maxResultBytes?: number;
}

export function createOutputs(config: OutputsConfig = {}): OutputDefinition[] {
  return [extractOutput(config.maxResultBytes === undefined ? {} : { maxResultBytes: config.maxResultBytes })];
}

export { defineOutput } from './define-output.ts';
export type { OutputArtifact, OutputDefinition, OutputPart, OutputResult } from './define-output.ts';
export { emptyOutputs, runOutputs, type Outputs } from './run-outputs.ts';
