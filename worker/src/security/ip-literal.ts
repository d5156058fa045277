/**
 * @module worker/src/security/ip-literal
 * Strict parsing of canonical IP address text (what DNS answers and the WHATWG URL parser produce).
 *
 * ipaddr.js's `parse()` is deliberately lenient: it reads `0x7f.1`, `2130706433` and `0177.0.0.1`
 * the way inet_aton does. A guard must not hold a second opinion on what a string means, so here we
 * accept only canonical dotted-quad IPv4, read IPv6 through the URL parser, and leave odd notations
 * to the URL parser too (see host-parser.ts): its reading is the one the fetch itself will use.
 * ipaddr.js still does the matching against CIDRs, which it does correctly.
 */
import ipaddr from 'ipaddr.js';
import type { IpAddress } from './address-ranges.ts';

/** Four decimal octets, no leading zeros, each 0..255. */
export function isCanonicalIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/**
 * Canonical hex form of an IPv6 literal (optionally bracketed, optionally with a %zone), read by
 * the URL parser; undefined if invalid. ipaddr.js is not used for this reading because it rewrites
 * `::a.b.c.d` (IPv4-compatible, `::7f00:1` to inet_pton and URL) as `::ffff:a.b.c.d` (IPv4-mapped),
 * and reads `::ffff:0177.0.0.1` as 177.0.0.1 where the others reject it.
 */
export function canonicalIpv6(text: string): string | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const [address = '', zone, ...rest] = bare.split('%');
  if (!/^[0-9a-f:.]+$/i.test(address) || rest.length > 0) return undefined;
  if (zone !== undefined && !/^[\w.-]+$/.test(zone)) return undefined;
  const hostname = URL.parse(`http://[${address}]/`)?.hostname;
  if (!hostname) return undefined;
  return zone === undefined ? hostname.slice(1, -1) : `${hostname.slice(1, -1)}%${zone}`;
}

/** The address, or undefined when `text` is not a canonical IPv4 or valid IPv6 literal. */
export function parseIpStrict(text: string): IpAddress | undefined {
  if (isCanonicalIpv4(text)) return ipaddr.IPv4.parse(text);
  const v6 = text.includes(':') ? canonicalIpv6(text) : undefined;
  return v6 === undefined ? undefined : ipaddr.IPv6.parse(v6);
}

/** Text form used in verdicts and for connecting: dotted quad, or RFC 5952 IPv6 (zone kept). */
export function formatIp(ip: IpAddress): string {
  if (ip.kind() === 'ipv4') return ip.toString();
  const v6 = ip as ipaddr.IPv6;
  return v6.toRFC5952String();
}
