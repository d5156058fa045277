import { describe, expect, it } from 'vitest';
import { InvalidHostError } from '../../worker/src/security/errors.ts';
import { parseHost, parseUrlHost } from '../../worker/src/security/host-parser.ts';

describe('WHATWG URL parser normalisation (relied upon)', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f.0.0.0x1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['%31%32%37.0.0.1', '127.0.0.1'],
    ['127.0.0.1%2e', '127.0.0.1'],
    ['１２７.０.０.１', '127.0.0.1'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]'],
    ['[0:0:0:0:0:ffff:7f00:1]', '[::ffff:7f00:1]'],
    ['[::127.0.0.1]', '[::7f00:1]'],
    ['LOCALHOST.', 'localhost.'],
    ['ⓛⓞⓒⓐⓛⓗⓞⓢⓣ', 'localhost'],
    ['user:pw@127.0.0.1', '127.0.0.1'],
  ])('http://%s/ has hostname %s', (host, hostname) => {
    expect(new URL(`http://${host}/`).hostname).toBe(hostname);
  });

  it.each(['4294967296', '0x100000000', '1.2.3.4.5', 'foo.0x7f', 'example.1', '[::ffff:0177.0.0.1]', '[fe80::1%25eth0]'])(
    'http://%s/ is not a valid URL',
    (host) => {
      expect(URL.parse(`http://${host}/`)).toBeNull();
    },
  );
});

describe('parseUrlHost', () => {
  const host = (url: string) => parseUrlHost(new URL(url));

  it.each([
    ['http://2130706433/', '127.0.0.1', 4],
    ['http://0x7f.1:8080/x', '127.0.0.1', 4],
    ['http://0177.0.0.1/', '127.0.0.1', 4],
    ['http://127.1/', '127.0.0.1', 4],
    ['http://127.0.0.1./', '127.0.0.1', 4],
    ['https://%31%32%37.0.0.1/', '127.0.0.1', 4],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 6],
    ['http://[::1]:80/', '::1', 6],
    ['ws://[2606:4700::1111]/', '2606:4700::1111', 6],
  ])('%s → IP %s', (url, address, family) => {
    expect(host(url)).toMatchObject({ kind: 'ip', address, family });
  });

  it('returns DNS names normalised, trailing dot kept, localhost names flagged', () => {
    expect(host('http://Example.COM/')).toEqual({ kind: 'dns', name: 'example.com', isLocalhost: false });
    expect(host('http://example.com./')).toEqual({ kind: 'dns', name: 'example.com.', isLocalhost: false });
    expect(host('http://bücher.example/')).toMatchObject({ kind: 'dns', name: 'xn--bcher-kva.example' });
    expect(host('http://LOCALHOST./')).toMatchObject({ isLocalhost: true });
    expect(host('http://api.localhost/')).toMatchObject({ isLocalhost: true });
    expect(host('http://localhost.example/')).toMatchObject({ isLocalhost: false });
  });

  it('refuses hosts the URL parser let through but that are no DNS name', () => {
    expect(() => host('http://exa$mple.com/')).toThrow(InvalidHostError);
    expect(() => host('http://a..b/')).toThrow(InvalidHostError);
  });
});

describe('parseHost (bare host strings, e.g. from the undici connector)', () => {
  it('reads odd IPv4 notations exactly like the URL parser', () => {
    for (const odd of ['2130706433', '0177.0.0.1', '0x7f.1', '127.1', '127.0.0.1.', '%31%32%37.0.0.1']) {
      expect(parseHost(odd), odd).toMatchObject({ kind: 'ip', address: '127.0.0.1' });
    }
  });

  it('accepts IPv6 bracketed or not', () => {
    expect(parseHost('::1')).toMatchObject({ kind: 'ip', address: '::1', family: 6 });
    expect(parseHost('[::ffff:127.0.0.1]')).toMatchObject({ kind: 'ip', address: '::ffff:7f00:1' });
  });

  it.each(['', '127.0.0.1:80', 'a/b', 'a@b', 'a b', 'a\\b', 'a?b', 'a#b', 'evil.com\u0000.good', '1.2.3.4.5', '[::1', '0x100000000'])(
    'refuses %j',
    (bad) => {
      expect(() => parseHost(bad)).toThrow(InvalidHostError);
    },
  );
});
