/**
 * The guarded proxy on its own (no browser): undici's ProxyAgent speaks both forms Chromium uses,
 * absolute-form http:// requests and CONNECT tunnels. Loopback only; names come from a fake resolver.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxyAgent, request } from 'undici';
import { startGuardedProxy, type GuardedProxy } from '../../worker/src/security/guarded-proxy.ts';
import { createSsrfGuard, type SsrfGuard } from '../../worker/src/security/ssrf-guard.ts';
import { startLoopbackServers, type LoopbackServers } from './support/loopback-servers.ts';

let servers: LoopbackServers;
let guard: SsrfGuard;
let proxy: GuardedProxy;
const refused: string[] = [];
const agents: ProxyAgent[] = [];

const names: Record<string, string> = { 'site.example': '127.0.0.2', 'internal.example': '127.0.0.1' };

function via(tunnel: boolean): ProxyAgent {
  const agent = new ProxyAgent({ uri: proxy.url, proxyTunnel: tunnel });
  agents.push(agent);
  return agent;
}

beforeAll(async () => {
  servers = await startLoopbackServers();
  guard = createSsrfGuard({
    allowPrivateCidrs: '127.0.0.2/31',
    resolve: async (name) => {
      const address = names[name];
      if (!address) throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return [{ address, family: 4 }];
    },
  });
  proxy = await startGuardedProxy(guard, { onRefused: (target) => refused.push(target) });
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
  expect(servers.forbidden.connections).toEqual([]);
});

afterAll(async () => {
  await proxy.close();
  await guard.close();
  await servers.close();
});

describe.each([
  ['absolute-form', false],
  ['CONNECT tunnel', true],
])('guarded proxy, %s', (_form, tunnel) => {
  it('forwards to an allowed address and to a name resolving to one', async () => {
    for (const origin of [servers.allowed.origin, `http://site.example:${servers.allowed.port}`]) {
      const res = await request(`${origin}/through-proxy`, { dispatcher: via(tunnel) });
      expect(res.statusCode, origin).toBe(200);
      expect(await res.body.text()).toBe('hello from 127.0.0.2');
    }
  });

  it('refuses 127.0.0.1, its odd spellings, localhost and names resolving to it', async () => {
    const port = servers.forbidden.port;
    for (const url of [`http://127.0.0.1:${port}/`, `http://0x7f.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://localhost:${port}/`, `http://internal.example:${port}/`]) {
      const outcome = await request(url, { dispatcher: via(tunnel) }).then(
        async (res) => (await res.body.dump(), `status ${res.statusCode}`),
        (error: Error) => `error ${error.message}`,
      );
      // Absolute-form gets a 403 page; a refused tunnel makes undici fail the request.
      expect(outcome, url).toMatch(tunnel ? /^error/ : /^status 403$/);
    }
    expect(refused.length).toBeGreaterThanOrEqual(5);
  });
});
