/**
 * @module test/dev/dev-vars
 * `.dev.vars` for `npm start`: created with fresh secrets, completed without overwriting, and
 * the worker-only secrets (the dashboard's login) kept out of what `wrangler dev` gets.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeDevVars, ensureDevVars, LOCAL_KEY_SCOPES, localApiKey, parseDevVars } from '../../dev/local/dev-vars.ts';
import { parseApiKeys, SCOPES, verifyApiKey } from '../../edge/src/auth/api-keys.ts';

const endpoints = { brokerRestPort: 8079, resultsRestPort: 8078 };
const tempPath = () => join(mkdtempSync(join(tmpdir(), 'quarry-dev-vars-')), '.dev.vars');

describe('.dev.vars', () => {
  it('creates the file with random secrets, then keeps existing values and adds what is missing', () => {
    const path = tempPath();
    const first = ensureDevVars(path, endpoints);
    expect(first.created).toBe(true);
    expect(first.vars.API_KEYS).toMatch(/^qk_/);
    writeFileSync(path, 'API_KEYS=qk_mine\n');
    const second = ensureDevVars(path, endpoints);
    expect(second).toMatchObject({ created: false, vars: { API_KEYS: 'qk_mine' } });
    expect(second.appended).toContain('UPSTASH_REDIS_REST_TOKEN');
    expect(parseDevVars(readFileSync(path, 'utf8')).API_KEYS).toBe('qk_mine');
  });

  it('writes a key with every scope, and the key it prints is the one the edge accepts', async () => {
    const { vars } = ensureDevVars(tempPath(), endpoints);
    const [entry] = await parseApiKeys(vars.API_KEYS!);
    expect([...entry!.scopes].sort()).toEqual([...SCOPES].sort());
    expect([...LOCAL_KEY_SCOPES].sort()).toEqual([...SCOPES].sort());
    const printed = localApiKey(vars)!;
    expect(printed).toMatch(/^qk_[A-Za-z0-9_-]+$/);
    expect(await verifyApiKey([entry!], printed)).toBe(entry);
  });

  it('prints the plain key of an entry with scopes or a tenant, and none for a stored hash', () => {
    expect(localApiKey({ API_KEYS: 'qk_1#read@acme, qk_2' })).toBe('qk_1');
    expect(localApiKey({ API_KEYS: 'qk_1@acme' })).toBe('qk_1');
    expect(localApiKey({ API_KEYS: `sha256:${'0'.repeat(64)}#admin` })).toBeUndefined();
  });

  it('hands the edge everything but the dashboard login', () => {
    const vars = { API_KEYS: 'qk_1', UPSTASH_REDIS_REST_TOKEN: 't', QUARRY_DASHBOARD_PASSWORD: 'secret', QUARRY_DASHBOARD_USER: 'ops' };
    expect(edgeDevVars(vars)).toEqual({ API_KEYS: 'qk_1', UPSTASH_REDIS_REST_TOKEN: 't' });
  });
});
