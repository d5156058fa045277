/**
 * The OpenAPI document passes Redocly's `recommended` ruleset with no errors and validates with
 * swagger-parser. The document is built in Node from the same registration the edge serves
 * (edge/src/app.ts createApp); test/edge/openapi.test.ts checks the one workerd serves.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { BaseResolver, createConfig, lintDocument, makeDocumentFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../edge/src/app.ts';
import { bodiesMissingSchemaOrExample, type OpenApiDoc } from '../support/openapi-doc.ts';

const servedDocument = async () => (await createApp().request('https://quarry.test/openapi.json')).text();

describe('OpenAPI document quality', () => {
  it('has no errors under Redocly recommended', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const document = makeDocumentFromString(await servedDocument(), '/openapi.json');
    const problems = await lintDocument({ document, config, externalRefResolver: new BaseResolver() });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
    // Warnings we accept, each for a reason: /healthz and /readyz have no 4xx answer; the task
    // request components are named in POST /v1/jobs' description rather than in its body schema.
    const warnings = problems.filter((p) => p.severity === 'warn' && !['operation-4xx-response', 'no-unused-components'].includes(p.ruleId));
    expect(warnings.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  });

  it('validates with swagger-parser and describes every body with a schema and an example', async () => {
    const doc = JSON.parse(await servedDocument()) as OpenApiDoc;
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(bodiesMissingSchemaOrExample(doc)).toEqual([]);
  });
});
