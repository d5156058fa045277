/**
 * @module worker/errors/extract-errors
 * Extraction that stopped at one of its bounds (extract/extract-budget.ts). Both are final: the
 * same page and rules hit the same bound on every try, and another worker would freeze or fill
 * up just the same.
 */
import { NonRetryableError } from './retry-policy.ts';

/** The extracted values (title included, as their JSON) grew past `QUARRY_MAX_RESULT_BYTES`. */
export class ResultTooLargeError extends NonRetryableError {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`Extracted result is larger than ${maxBytes} bytes (QUARRY_MAX_RESULT_BYTES); extraction stopped there. Select less (fewer, narrower or first-match rules) or raise QUARRY_MAX_RESULT_BYTES`);
    this.maxBytes = maxBytes;
  }
}

/**
 * Matching the rules on this page needs more work than one page may take (element × selector
 * step tests, DOM operations of pseudo-class selectors, or ancestor state for deep nesting).
 */
export class ExtractionTooComplexError extends NonRetryableError {
  /** Which bound, e.g. `matching operations per page`. */
  readonly limit: string;
  constructor(limit: string, max: number, detail: string) {
    super(`Extraction needs more than ${max} ${limit} (the limit): ${detail}. Use fewer or simpler selectors`);
    this.limit = limit;
  }
}
