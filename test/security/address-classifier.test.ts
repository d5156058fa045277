import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../worker/src/security/address-classifier.ts';
import type { AddressCategory } from '../../worker/src/security/address-ranges.ts';
import { parseAllowList } from '../../worker/src/security/allow-list.ts';

// Pure logic: nothing here opens a socket or asks DNS.
const TABLE: Array<[address: string, category: AddressCategory, via?: string]> = [
  // public IPv4 / IPv6
  ['93.184.216.34', 'public'],
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['172.32.0.1', 'public'], // just outside 172.16/12
  ['100.128.0.1', 'public'], // just outside 100.64/10
  ['2606:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
  // unspecified / "this network"
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['::', 'unspecified'],
  // loopback
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['::1', 'loopback'],
  // RFC 1918 and unique local
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['fc00::1', 'private'],
  ['fd12:3456:789a::1', 'private'],
  // link-local and metadata
  ['169.254.0.1', 'link-local'],
  ['169.254.169.254', 'metadata'],
  ['168.63.129.16', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['fd00:ec2::254', 'metadata'],
  ['fe80::1', 'link-local'],
  ['febf::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  // carrier-grade NAT
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.254', 'cgnat'],
  // multicast / broadcast
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  // documentation / benchmarking / reserved
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['2001:2::1', 'benchmarking'],
  ['192.0.0.8', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['100::1', 'reserved'],
  ['fec0::1', 'reserved'],
  ['4000::1', 'reserved'], // outside 2000::/3
  ['5f00::1', 'reserved'],
  ['2001:10::1', 'reserved'], // deprecated ORCHID, inside 2001::/23
  // IPv4-mapped: judged by the embedded IPv4
  ['::ffff:127.0.0.1', 'loopback', 'ipv4-mapped'],
  ['::ffff:7f00:1', 'loopback', 'ipv4-mapped'],
  ['0:0:0:0:0:ffff:a9fe:a9fe', 'metadata', 'ipv4-mapped'],
  ['::ffff:10.0.0.1', 'private', 'ipv4-mapped'],
  ['::ffff:93.184.216.34', 'public', 'ipv4-mapped'],
  // IPv4-compatible (deprecated): embedded if forbidden, else refused as a tunnel
  ['::127.0.0.1', 'loopback', 'ipv4-compatible'],
  ['::a00:1', 'private', 'ipv4-compatible'],
  ['::93.184.216.34', 'tunnel', 'ipv4-compatible'],
  // SIIT IPv4-translated
  ['::ffff:0:7f00:1', 'loopback', 'ipv4-translated'],
  ['::ffff:0:5db8:d822', 'tunnel', 'ipv4-translated'],
  // NAT64 well-known and local-use prefixes
  ['64:ff9b::7f00:1', 'loopback', 'nat64'],
  ['64:ff9b::127.0.0.1', 'loopback', 'nat64'],
  ['64:ff9b::a9fe:a9fe', 'metadata', 'nat64'],
  ['64:ff9b::5db8:d822', 'public', 'nat64'],
  ['64:ff9b:1::c0a8:101', 'private', 'nat64-local'],
  ['64:ff9b:1::5db8:d822', 'public', 'nat64-local'],
  ['64:ff9b:1:ab::1', 'reserved', 'nat64-local'], // non-/96 layout: cannot be judged, refused
  // 6to4: IPv4 in bits 16..47
  ['2002:7f00:1::1', 'loopback', '6to4'],
  ['2002:a9fe:a9fe::', 'metadata', '6to4'],
  ['2002:c0a8:101::1', 'private', '6to4'],
  ['2002:5db8:d822::1', 'public', '6to4'],
  // Teredo: client IPv4 stored bit-inverted in the last 32 bits; refused either way
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback', 'teredo'],
  ['2001:0:4136:e378:8000:63bf:a247:27dd', 'tunnel', 'teredo'],
];

describe('classifyAddress', () => {
  it('covers at least 50 address forms', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(50);
  });

  it.each(TABLE)('%s → %s', (address, category, via) => {
    const verdict = classifyAddress(address);
    expect(verdict.category).toBe(category);
    expect(verdict.allowed).toBe(category === 'public');
    expect(verdict.via).toBe(via);
    expect(verdict.reason).not.toBe('');
  });

  it('decodes the embedded IPv4 of transition addresses', () => {
    expect(classifyAddress('::ffff:7f00:1').embedded).toBe('127.0.0.1');
    expect(classifyAddress('2002:c0a8:101::1').embedded).toBe('192.168.1.1');
    expect(classifyAddress('2001:0:4136:e378:8000:63bf:80ff:fffe').embedded).toBe('127.0.0.1');
    expect(classifyAddress('::ffff:127.0.0.1').reason).toMatch(/loopback via ipv4-mapped \(127\.0\.0\.1\)/);
  });

  it('refuses non-canonical text instead of guessing what it means', () => {
    for (const text of ['0x7f.1', '2130706433', '0177.0.0.1', '127.1', '::ffff:0177.0.0.1', '::1]@evil.com/[', 'fe80::1%', 'localhost', '']) {
      expect(() => classifyAddress(text), text).toThrow(TypeError);
    }
  });
});

describe('allow-list', () => {
  const allowList = parseAllowList('127.0.0.2/31');

  it('127.0.0.2/31 allows .2 and .3, not .1 or .4', () => {
    expect(classifyAddress('127.0.0.2', allowList)).toMatchObject({ allowed: true, category: 'allow-listed' });
    expect(classifyAddress('127.0.0.3', allowList).allowed).toBe(true);
    expect(classifyAddress('127.0.0.1', allowList)).toMatchObject({ allowed: false, category: 'loopback' });
    expect(classifyAddress('127.0.0.4', allowList).allowed).toBe(false);
  });

  it('applies to IPv4-mapped forms (same socket destination) but not to NAT64 or 6to4', () => {
    expect(classifyAddress('::ffff:127.0.0.2', allowList).allowed).toBe(true);
    expect(classifyAddress('::ffff:127.0.0.1', allowList).allowed).toBe(false);
    expect(classifyAddress('64:ff9b::7f00:2', allowList).allowed).toBe(false);
    expect(classifyAddress('2002:7f00:2::1', allowList).allowed).toBe(false);
  });

  it('parses lists from the environment format and IPv6 CIDRs', () => {
    const list = parseAllowList(' 10.1.2.0/24, fd00::/8  192.168.5.5 ');
    expect(list.cidrs).toEqual(['10.1.2.0/24', 'fd00::/8', '192.168.5.5']);
    expect(classifyAddress('10.1.2.200', list).allowed).toBe(true);
    expect(classifyAddress('10.1.3.1', list).allowed).toBe(false);
    expect(classifyAddress('fd12::1', list).allowed).toBe(true);
    expect(classifyAddress('192.168.5.5', list).allowed).toBe(true);
    expect(classifyAddress('192.168.5.6', list).allowed).toBe(false);
  });

  it('is empty by default and rejects malformed CIDRs', () => {
    expect(parseAllowList('').cidrs).toEqual([]);
    expect(classifyAddress('10.0.0.1').allowed).toBe(false);
    for (const bad of ['0x7f.0.0.2/31', '127.0.0.2/33', '10.0.0.0/8/1', 'fd00::/129', 'example.com/24', '10.0.0.0/']) {
      expect(() => parseAllowList(bad), bad).toThrow(/Invalid CIDR/);
    }
  });
});
