/**
 * @module test/dev/dev-vars
 * `.dev.vars` for `npm start`: created with fresh secrets, completed without overwriting, and
 * the worker-only secrets (the dashboard's login) kept out of what `wrangler dev` gets.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeDevVars, ensureDevVars, parseDevVars } from '../../dev/local/dev-vars.ts';

const endpoints = { brokerRestPort: 8079, resultsRestPort: 8078 };

describe('.dev.vars', () => {
  it('creates the file with random secrets, then keeps existing values and adds what is missing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'quarry-dev-vars-')), '.dev.vars');
    const first = ensureDevVars(path, endpoints);
    expect(first.created).toBe(true);
    expect(first.vars.API_KEYS).toMatch(/^qk_/);
    writeFileSync(path, 'API_KEYS=qk_mine\n');
    const second = ensureDevVars(path, endpoints);
    expect(second).toMatchObject({ created: false, vars: { API_KEYS: 'qk_mine' } });
    expect(second.appended).toContain('UPSTASH_REDIS_REST_TOKEN');
    expect(parseDevVars(readFileSync(path, 'utf8')).API_KEYS).toBe('qk_mine');
  });

  it('hands the edge everything but the dashboard login', () => {
    const vars = { API_KEYS: 'qk_1', UPSTASH_REDIS_REST_TOKEN: 't', QUARRY_DASHBOARD_PASSWORD: 'secret', QUARRY_DASHBOARD_USER: 'ops' };
    expect(edgeDevVars(vars)).toEqual({ API_KEYS: 'qk_1', UPSTASH_REDIS_REST_TOKEN: 't' });
  });
});
