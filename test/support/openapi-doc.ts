/**
 * @module test/support/openapi-doc
 * Checks on the OpenAPI document that need no library, shared by the workerd suite (the served
 * document) and the Node lint suite (the same registration built in Node).
 */
interface MediaType { schema?: { $ref?: string; example?: unknown; examples?: unknown }; example?: unknown; examples?: unknown }
interface Operation { operationId?: string; security?: unknown[]; requestBody?: { content?: Record<string, MediaType> }; responses?: Record<string, { content?: Record<string, MediaType> }> }
export interface OpenApiDoc {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, { example?: unknown }> };
}

export const operations = (doc: OpenApiDoc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));

/** Every request and response body without a schema or without an example (on the media type or its schema component). */
export function bodiesMissingSchemaOrExample(doc: OpenApiDoc): string[] {
  const component = (ref: string | undefined) => (ref ? doc.components?.schemas?.[ref.split('/').pop()!] : undefined);
  const hasExample = (media: MediaType) => media.example !== undefined || media.examples !== undefined
    || media.schema?.example !== undefined || media.schema?.examples !== undefined || component(media.schema?.$ref)?.example !== undefined;
  const missing: string[] = [];
  for (const { route, op } of operations(doc)) {
    const bodies = [
      ...Object.entries(op.requestBody?.content ?? {}).map(([type, media]) => [`${route} request ${type}`, media] as const),
      ...Object.entries(op.responses ?? {}).flatMap(([code, response]) => Object.entries(response.content ?? {}).map(([type, media]) => [`${route} ${code} ${type}`, media] as const)),
    ];
    for (const [where, media] of bodies) {
      if (!media.schema) missing.push(`${where}: no schema`);
      else if (!hasExample(media)) missing.push(`${where}: no example`);
    }
  }
  return missing;
}
