/**
 * Unit tests of endpoint/key resolution (flags over env over defaults) and of how the CLI
 * reports configuration, usage, HTTP and network errors, run in-process with a stubbed fetch.
 */
import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../../cli/config.ts';
import { run } from './capture-io.ts';

describe('resolveConnection', () => {
  const env = { QUARRY_URL: 'http://env.example:1/', QUARRY_API_KEY: 'env-key' };

  it('prefers flags, then env, then the default endpoint', () => {
    expect(resolveConnection({ endpoint: 'https://flag.example/', apiKey: 'flag-key' }, env)).toEqual({ endpoint: 'https://flag.example', apiKey: 'flag-key' });
    expect(resolveConnection({}, env)).toEqual({ endpoint: 'http://env.example:1', apiKey: 'env-key' });
    expect(resolveConnection({ apiKey: 'k' }, { QUARRY_URL: '  ' })).toEqual({ endpoint: 'http://127.0.0.1:8787', apiKey: 'k' });
  });

  it('names both the flag and the variable when the key is missing, and rejects a bad endpoint', () => {
    expect(() => resolveConnection({}, { QUARRY_API_KEY: '' })).toThrow('no API key: pass --api-key <key> or set the QUARRY_API_KEY environment variable');
    expect(() => resolveConnection({ endpoint: 'localhost:8787', apiKey: 'k' }, {})).toThrow(/must be an http:\/\/ or https:\/\/ URL/);
  });
});

describe('runCli errors', () => {
  const stubFetch = (status: number, body: unknown): typeof fetch => async (input, init) => {
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer flag-key');
    expect(String(input)).toMatch(/^http:\/\/api\.example\/v1\/jobs\//);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });
  };

  it('uses the global flags placed after the subcommand over env', async () => {
    const result = await run(['status', 'abc', '--endpoint', 'http://api.example', '--api-key', 'flag-key'], {
      env: { QUARRY_URL: 'http://env.example', QUARRY_API_KEY: 'env-key' },
      io: { fetch: stubFetch(404, { type: 'urn:quarry:problem:not-found', title: 'Not found', status: 404, detail: 'No job with id "abc".' }) },
    });
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'error: No job with id "abc".\n' });
  });

  it('prints field errors under the detail, and exits 4 on a 5xx', async () => {
    const env = { QUARRY_URL: 'http://api.example', QUARRY_API_KEY: 'flag-key' };
    const invalid = await run(['status', 'abc', '--wait', '5'], { env, io: { fetch: stubFetch(400, { status: 400, detail: 'Fix the "wait" query parameter.', errors: [{ path: 'wait', message: 'too long' }] }) } });
    expect(invalid).toMatchObject({ code: 2, stderr: 'error: Fix the "wait" query parameter.\n  wait: too long\n' });
    const down = await run(['status', 'abc'], { env, io: { fetch: stubFetch(503, { status: 503, detail: 'The job queue is unreachable.' }) } });
    expect(down).toMatchObject({ code: 4, stderr: 'error: The job queue is unreachable.\n' });
  });

  it('exits 3 naming the endpoint when nothing listens there', async () => {
    const result = await run(['batch', 'b-1'], { env: { QUARRY_URL: 'http://127.0.0.1:9', QUARRY_API_KEY: 'k' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: cannot reach the Quarry API at http:\/\/127\.0\.0\.1:9 \(.*\): check --endpoint or QUARRY_URL\n$/);
  });

  it('treats usage mistakes as exit 2', async () => {
    const env = { QUARRY_API_KEY: 'k' };
    expect(await run(['enqueue', '-', '--mode', 'ftp'], { env })).toMatchObject({ code: 2, stderr: 'error: --mode must be "http" or "browser" (got "ftp")\n' });
    expect((await run(['enqueue'], { env })).code).toBe(2);
    expect(await run(['status', 'x', '--wait', 'soon'], { env })).toMatchObject({ code: 2, stderr: 'error: --wait takes a number of seconds ≥ 0 (got "soon")\n' });
    expect(await run(['enqueue', '/nonexistent/urls.txt'], { env })).toMatchObject({ code: 2, stderr: 'error: cannot read /nonexistent/urls.txt: ENOENT\n' });
  });
});
