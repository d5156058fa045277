/**
 * End to end on loopback only: 127.0.0.1 plays the internal network (forbidden), 127.0.0.2 a public
 * site (allow-listed). Names other than `localhost` come from an injected resolver: no real DNS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch, interceptors, request } from 'undici';
import { ForbiddenAddressError } from '../../worker/src/security/errors.ts';
import type { ResolvedAddress, Resolver } from '../../worker/src/security/resolver.ts';
import { createSsrfGuard, type SsrfGuard } from '../../worker/src/security/ssrf-guard.ts';
import { startLoopbackServers, type LoopbackServers } from './support/loopback-servers.ts';

const ALLOWED: ResolvedAddress = { address: '127.0.0.2', family: 4 };
const FORBIDDEN: ResolvedAddress = { address: '127.0.0.1', family: 4 };

let servers: LoopbackServers;
const guards: SsrfGuard[] = [];

function guardWith(resolve?: Resolver): SsrfGuard {
  const guard = createSsrfGuard({ allowPrivateCidrs: '127.0.0.2/31', ...(resolve ? { resolve } : {}) });
  guards.push(guard);
  return guard;
}

/** What the worker's http fetcher does: check every hop, follow redirects by hand. */
async function fetchWithHops(guard: SsrfGuard, start: string, maxHops = 5): Promise<{ status: number; body: string }> {
  let url = new URL(start);
  for (let hop = 0; hop <= maxHops; hop++) {
    await guard.checkUrl(url);
    const res = await request(url, { dispatcher: guard.dispatcher });
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
      await res.body.dump();
      url = new URL(location, url);
      continue;
    }
    return { status: res.statusCode, body: await res.body.text() };
  }
  throw new Error('too many redirects');
}

beforeAll(async () => {
  servers = await startLoopbackServers({
    allowed: (req, res, self) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${self.port}/secret` }).end();
        return;
      }
      res.end(`hello from ${self.host}`);
    },
  });
});

afterEach(async () => {
  await Promise.all(guards.splice(0).map((guard) => guard.close()));
  // The heart of every test here: the internal server never saw a byte.
  expect(servers.forbidden.connections).toEqual([]);
  expect(servers.forbidden.requests).toEqual([]);
});

afterAll(async () => {
  await servers.close();
});

describe('ssrf guard over undici, loopback end to end', () => {
  it('control: without the guard the same redirect does reach 127.0.0.1 (so an empty log means something)', async () => {
    const composed = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }));
    const res = await request(`${servers.allowed.origin}/redirect`, { dispatcher: composed });
    expect(await res.body.text()).toBe('hello from 127.0.0.1');
    expect(servers.forbidden.requests).toEqual(['GET /secret']);
    await composed.close();
    servers.forbidden.requests.length = 0;
    servers.forbidden.connections.length = 0;
  });

  it('lets an allow-listed address through, checkUrl and dispatcher alike', async () => {
    const guard = guardWith();
    const { status, body } = await fetchWithHops(guard, `${servers.allowed.origin}/page`);
    expect({ status, body }).toEqual({ status: 200, body: 'hello from 127.0.0.2' });
    const res = await fetch(`${servers.allowed.origin}/via-fetch`, { dispatcher: guard.dispatcher });
    expect(await res.text()).toBe('hello from 127.0.0.2');
  });

  it('refuses a direct URL to 127.0.0.1 in checkUrl, and in the dispatcher when checkUrl is skipped', async () => {
    const guard = guardWith();
    const url = `${servers.forbidden.origin}/secret`;
    await expect(guard.checkUrl(new URL(url))).rejects.toBeInstanceOf(ForbiddenAddressError);
    await expect(request(url, { dispatcher: guard.dispatcher })).rejects.toBeInstanceOf(ForbiddenAddressError);
    // Odd notations reach the same verdict: the URL parser normalises them first.
    const port = servers.forbidden.port;
    for (const odd of [`http://2130706433:${port}/`, `http://0x7f.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`]) {
      await expect(guard.checkUrl(new URL(odd)), odd).rejects.toBeInstanceOf(ForbiddenAddressError);
      await expect(request(odd, { dispatcher: guard.dispatcher }), odd).rejects.toBeInstanceOf(ForbiddenAddressError);
    }
  });

  it('refuses a 302 from 127.0.0.2 to 127.0.0.1 when checkUrl runs on the hop', async () => {
    const guard = guardWith();
    const error = await fetchWithHops(guard, `${servers.allowed.origin}/redirect`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect((error as ForbiddenAddressError).category).toBe('loopback');
    expect(servers.allowed.requests).toContain('GET /redirect');
  });

  it('refuses the redirect hop at connect time even when the client follows redirects itself', async () => {
    const guard = guardWith();
    const followed = await fetch(`${servers.allowed.origin}/redirect`, { dispatcher: guard.dispatcher }).catch((e: unknown) => e);
    expect((followed as Error & { cause?: unknown }).cause).toBeInstanceOf(ForbiddenAddressError);
    const composed = guard.dispatcher.compose(interceptors.redirect({ maxRedirections: 3 }));
    await expect(request(`${servers.allowed.origin}/redirect`, { dispatcher: composed })).rejects.toBeInstanceOf(ForbiddenAddressError);
  });

  it('refuses `localhost` in the dispatcher lookup even if checkUrl was skipped', async () => {
    const guard = guardWith();
    const url = `http://localhost:${servers.forbidden.port}/secret`;
    await expect(guard.checkUrl(new URL(url))).rejects.toBeInstanceOf(ForbiddenAddressError);
    await expect(request(url, { dispatcher: guard.dispatcher })).rejects.toBeInstanceOf(ForbiddenAddressError);
  });

  it('judges what the resolver answers at connect time (a name resolving to 127.0.0.1)', async () => {
    const asked: string[] = [];
    const guard = guardWith(async (name) => (asked.push(name), [FORBIDDEN]));
    const url = `http://internal.example:${servers.forbidden.port}/secret`;
    await expect(request(url, { dispatcher: guard.dispatcher })).rejects.toBeInstanceOf(ForbiddenAddressError);
    expect(asked).toEqual(['internal.example']);
  });

  it('DNS rebinding: allowed at check time, 127.0.0.1 at connect time → refused', async () => {
    let calls = 0;
    const guard = guardWith(async () => (++calls === 1 ? [ALLOWED] : [FORBIDDEN]));
    const url = new URL(`http://rebind.example:${servers.allowed.port}/rebind-page`);
    const checked = await guard.checkUrl(url);
    expect(checked.addresses.map((a) => a.address)).toEqual(['127.0.0.2']);
    await expect(request(url, { dispatcher: guard.dispatcher })).rejects.toBeInstanceOf(ForbiddenAddressError);
    expect(calls).toBe(2);
    expect(servers.allowed.requests).not.toContain('GET /rebind-page');
  });

  it('DNS rebinding after connect: each connection goes to the address checked when it opened, or is refused', async () => {
    let calls = 0;
    const guard = guardWith(async () => (++calls <= 1 ? [ALLOWED] : [FORBIDDEN]));
    const origin = `http://rebind.example:${servers.allowed.port}`;
    const outcomes: string[] = [];
    for (const path of ['/one', '/two', '/three', '/four']) {
      // A reused keep-alive socket needs no lookup; a new one is re-resolved, sees 127.0.0.1, is refused.
      const outcome = await request(origin + path, { dispatcher: guard.dispatcher }).then(
        (res) => res.body.text(),
        (error: unknown) => (error instanceof ForbiddenAddressError ? 'refused' : `unexpected ${String(error)}`),
      );
      outcomes.push(outcome);
    }
    expect(outcomes[0]).toBe('hello from 127.0.0.2');
    for (const outcome of outcomes) expect(['hello from 127.0.0.2', 'refused']).toContain(outcome);
  });

  it('refuses a name with mixed answers (one public, one internal)', async () => {
    const guard = guardWith(async () => [ALLOWED, FORBIDDEN]);
    const url = `http://mixed.example:${servers.allowed.port}/page`;
    await expect(guard.checkUrl(new URL(url))).rejects.toBeInstanceOf(ForbiddenAddressError);
    await expect(request(url, { dispatcher: guard.dispatcher })).rejects.toBeInstanceOf(ForbiddenAddressError);
  });
});
