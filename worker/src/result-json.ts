/**
 * @module worker/result-json
 * A result's JSON, made once per result object: the artifacts effect measures it (is it over
 * the inline threshold?) and the result store writes it, so a job serializes its result once.
 */
import type { StoredResult } from '../../shared/job-result.ts';

const cache = new WeakMap<StoredResult, string>();

export function resultJson(result: StoredResult): string {
  let json = cache.get(result);
  if (json === undefined) cache.set(result, (json = JSON.stringify(result)));
  return json;
}

/** UTF-8 size of `json` over `maxBytes`, counted only when the length alone cannot decide. */
export function jsonOver(json: string, maxBytes: number): boolean {
  if (json.length * 3 <= maxBytes) return false;
  if (json.length > maxBytes) return true;
  return Buffer.byteLength(json, 'utf8') > maxBytes;
}
