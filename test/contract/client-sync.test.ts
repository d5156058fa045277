/**
 * `quarry/client` stays in sync with the OpenAPI document: client/schema.generated.ts is what
 * `npm run generate:client` writes from the document the edge serves today. And the client is
 * portable: no Node built-in in its imports (test/edge/client.test.ts runs it inside workerd).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCHEMA_FILE, renderClientSchema } from '../../scripts/generate-client.ts';

describe('quarry/client', () => {
  it('has types generated from the current OpenAPI document (run `npm run generate:client` when this fails)', async () => {
    expect(readFileSync(CLIENT_SCHEMA_FILE, 'utf8') === await renderClientSchema(), `${CLIENT_SCHEMA_FILE} is stale: run npm run generate:client`).toBe(true);
  });

  it('imports no Node built-in module', () => {
    const builtins = new Set(builtinModules);
    for (const file of readdirSync('client').filter((name) => name.endsWith('.ts'))) {
      const specifiers = [...readFileSync(`client/${file}`, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const specifier of specifiers) {
        expect(specifier.startsWith('node:') || builtins.has(specifier), `client/${file} imports ${specifier}`).toBe(false);
        expect(specifier.startsWith('.') || ['openapi-fetch', 'eventsource-parser/stream'].includes(specifier), `client/${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});
