/**
 * @module edge/middleware/read-json-body
 * Reads a JSON request body and validates it with a zod schema, turning every failure into
 * the problem that tells the caller what to fix.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { MalformedJsonProblem, UnsupportedMediaTypeProblem, ValidationProblem } from '../problems/problems.ts';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]) {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const contentType = c.req.header('content-type');
  if (!contentType || !JSON_TYPE.test(contentType)) throw new UnsupportedMediaTypeProblem(contentType);
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new MalformedJsonProblem();
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationProblem(issuesToFieldErrors(parsed.error.issues));
  return parsed.data;
}
