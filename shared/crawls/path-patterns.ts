/**
 * @module shared/crawls/path-patterns
 * `includePaths` / `excludePaths`: regular expressions a caller sends, evaluated on every
 * discovered link by the workers. A pattern like `(a+)+$` would make a backtracking engine
 * (V8's RegExp) take exponential time on a hostile path, so patterns are compiled and run with
 * RE2JS, a JavaScript port of RE2: matching is linear in the path's length whatever the
 * pattern, repetition counts are capped at 1,000 and nested repetitions that would blow up the
 * program are refused at compile time. Why an engine rather than a safe-regex style check:
 * star-height checks reject harmless patterns and miss exponential ones without nested
 * quantifiers (`(a|a)*$`), while a linear engine bounds every pattern. The price: RE2 syntax,
 * without backreferences or lookaround, which the edge refuses with a 400 naming the field.
 * The same package runs in workerd (the edge validates) and Node (the worker matches), so a
 * pattern the edge accepts is one the worker runs.
 */
import { RE2JS } from 're2js';
import { z } from 'zod';

const MAX_LENGTH = 256;

/** Compiles a pattern, or returns why it cannot be one. */
export function compilePathPattern(source: string): RE2JS | string {
  try {
    return RE2JS.compile(source);
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
  }
}

export const pathPatternSchema = z
  .string()
  .min(1, 'must be a non-empty regular expression')
  .max(MAX_LENGTH, `must be at most ${MAX_LENGTH} characters`)
  .superRefine((source, ctx) => {
    const compiled = compilePathPattern(source);
    if (typeof compiled === 'string') {
      ctx.addIssue({
        code: 'custom', input: source,
        message: `is not a regular expression Quarry can run in linear time (RE2 syntax: no backreferences or lookaround): ${compiled}`,
      });
    }
  });

/** Matches a path against a list of compiled patterns (unanchored, like RegExp.test). */
export function matchesAny(patterns: readonly RE2JS[], path: string): boolean {
  for (const pattern of patterns) if (pattern.test(path)) return true;
  return false;
}
