import { describe, expect, it } from 'vitest';
import {
  ForbiddenAddressError,
  ForbiddenProtocolError,
  InvalidHostError,
  isSsrfRefusal,
} from '../../worker/src/security/errors.ts';
import type { Resolver } from '../../worker/src/security/resolver.ts';
import { createSsrfGuard } from '../../worker/src/security/ssrf-guard.ts';

// No sockets, no DNS: every name is answered by an injected resolver.
const zone: Record<string, string[]> = {
  'public.example': ['93.184.216.34', '2606:4700::1111'],
  'internal.example': ['10.0.0.7'],
  'mixed.example': ['93.184.216.34', '169.254.169.254'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'empty.example': [],
  'garbage.example': ['not-an-ip'],
};
const resolve: Resolver = async (name) => {
  const answers = zone[name];
  if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('createSsrfGuard: checkUrl', () => {
  const guard = createSsrfGuard({ resolve });

  it('returns every (allowed) address of a public name', async () => {
    const target = await guard.checkUrl('https://public.example/path');
    expect(target.host).toMatchObject({ kind: 'dns', name: 'public.example' });
    expect(target.addresses.map((a) => [a.address, a.category])).toEqual([
      ['93.184.216.34', 'public'],
      ['2606:4700::1111', 'public'],
    ]);
  });

  it('refuses a name if ANY of its addresses is forbidden', async () => {
    const error = await guard.checkUrl('http://mixed.example/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect(error).toMatchObject({ host: 'mixed.example', address: '169.254.169.254', category: 'metadata' });
    expect((error as Error).message).toBe(
      'Refused: mixed.example (169.254.169.254) is a forbidden address: 169.254.169.254/32 cloud metadata service (AWS, GCP, Azure, OCI, DO)',
    );
  });

  it('refuses private, IPv4-mapped and localhost targets; localhost without asking DNS', async () => {
    await expect(guard.checkUrl('http://internal.example/')).rejects.toMatchObject({ category: 'private' });
    await expect(guard.checkUrl('http://mapped.example/')).rejects.toMatchObject({ category: 'loopback' });
    for (const url of ['http://localhost/', 'http://LOCALHOST./', 'http://app.localhost:3000/']) {
      await expect(guard.checkUrl(url), url).rejects.toMatchObject({ name: 'ForbiddenAddressError', address: undefined });
    }
  });

  it('refuses literal and oddly written internal addresses', async () => {
    for (const url of ['http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::1]/', 'http://[::ffff:a9fe:a9fe]/', 'http://0/', 'http://[fd00:ec2::254]/']) {
      await expect(guard.checkUrl(url), url).rejects.toBeInstanceOf(ForbiddenAddressError);
    }
  });

  it('refuses other protocols before anything else', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://public.example/', 'gopher://127.0.0.1:6379/_INFO', 'ws://public.example/', 'data:text/plain,hi']) {
      await expect(guard.checkUrl(url), url).rejects.toBeInstanceOf(ForbiddenProtocolError);
    }
  });

  it('refuses empty or unparseable DNS answers; passes resolver failures through (not a refusal)', async () => {
    await expect(guard.checkUrl('http://empty.example/')).rejects.toBeInstanceOf(InvalidHostError);
    await expect(guard.checkUrl('http://garbage.example/')).rejects.toBeInstanceOf(InvalidHostError);
    const dnsError = await guard.checkUrl('http://nxdomain.example/').catch((e: unknown) => e);
    expect(isSsrfRefusal(dnsError)).toBe(false);
    expect(dnsError).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('marks refusals non-retryable', async () => {
    const error = await guard.checkUrl('http://10.0.0.1/').catch((e: unknown) => e);
    expect(isSsrfRefusal(error)).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(false);
  });

  it('honours the allow-list and the protocol list from options', async () => {
    const custom = createSsrfGuard({ resolve, allowPrivateCidrs: ['10.0.0.0/24'], allowedProtocols: ['https:'] });
    await expect(custom.checkUrl('https://internal.example/')).resolves.toMatchObject({ addresses: [{ category: 'allow-listed' }] });
    await expect(custom.checkUrl('http://public.example/')).rejects.toBeInstanceOf(ForbiddenProtocolError);
    await custom.close();
  });
});

describe('createSsrfGuard: checkRequest (browser hook)', () => {
  const refused: string[] = [];
  const guard = createSsrfGuard({ resolve, allowPrivateCidrs: '127.0.0.2/31', onRequestRefused: (url) => refused.push(url) });

  it('answers booleans and never throws', async () => {
    const cases: Array<[string, boolean]> = [
      ['https://public.example/app.js', true],
      ['http://127.0.0.2:8080/', true],
      ['ws://127.0.0.2:8080/socket', true],
      ['wss://public.example/socket', true],
      ['data:image/png;base64,iVBORw0KGgo=', true],
      ['blob:https://public.example/0b8e3b52-7a5e-4c5e-9d3c-3f1f4f2f4a6b', true],
      ['about:blank', true],
      ['http://127.0.0.1/', false],
      ['ws://127.0.0.1:9000/', false],
      ['wss://internal.example/', false],
      ['http://mixed.example/', false],
      ['file:///etc/passwd', false],
      ['chrome://settings', false],
      ['not a url', false],
      ['http://nxdomain.example/', false],
    ];
    for (const [url, expected] of cases) expect(await guard.checkRequest(url), url).toBe(expected);
    expect(refused).toHaveLength(cases.filter(([, ok]) => !ok).length);
  });
});
