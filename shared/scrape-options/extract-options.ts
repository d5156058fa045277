/**
 * @module shared/scrape-options/extract-options
 * `extract`: named CSS selectors whose text (or an attribute) the result carries.
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { cssSelectorSchema } from './selectors.ts';

/** Long form of an extraction rule. */
export const extractRuleSchema = z.strictObject({
  /** CSS selector to match. */
  selector: cssSelectorSchema,
  /** Return every match as an array instead of the first match's text. */
  all: z.boolean().optional(),
  /** Return this attribute's value instead of the text (e.g. `href`). */
  attr: z.string().min(1).max(64).optional(),
});
export type ExtractRule = z.infer<typeof extractRuleSchema>;

/** `name → selector`: `"h1"` gives the first match's text, a `[]` suffix on the name gives all matches. */
export const extractSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(LIMITS.extractNameMaxLength, `names must be at most ${LIMITS.extractNameMaxLength} characters`)
      .regex(/^[A-Za-z_][\w.-]*(\[\])?$/, 'names must be identifiers (letters, digits, _ . -), optionally ending in []'),
    z.union([cssSelectorSchema, extractRuleSchema]),
  )
  .refine((value) => Object.keys(value).length <= LIMITS.extractMaxFields, {
    message: `must have at most ${LIMITS.extractMaxFields} fields`,
  });

export const extractOptionsShape = {
  extract: extractSchema.default({}),
};
