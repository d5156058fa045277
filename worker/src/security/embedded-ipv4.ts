/**
 * @module worker/src/security/embedded-ipv4
 * Decodes the IPv4 address hidden inside an IPv6 address by transition mechanisms, so
 * `::ffff:127.0.0.1` or `64:ff9b::a9fe:a9fe` are judged by where they really lead.
 */
import ipaddr from 'ipaddr.js';

export type EmbeddingKind =
  | 'ipv4-mapped'
  | 'ipv4-compatible'
  | 'ipv4-translated'
  | 'nat64'
  | 'nat64-local'
  | '6to4'
  | 'teredo';

export interface EmbeddedIpv4 {
  via: EmbeddingKind;
  /** The embedded address; undefined when the prefix is known but its layout is not (see nat64-local). */
  ipv4: ipaddr.IPv4 | undefined;
  /**
   * Whether a public embedded address makes the IPv6 address acceptable. True for mechanisms that
   * really deliver to that IPv4 host (mapped sockets, NAT64, 6to4); false for deprecated or
   * client-side tunnels that no scraping target uses (IPv4-compatible, SIIT-translated, Teredo).
   */
  followsEmbedded: boolean;
}

const prefix = (cidr: string) => ipaddr.IPv6.parseCIDR(cidr);
const MAPPED = prefix('::ffff:0:0/96');
const TRANSLATED = prefix('::ffff:0:0:0/96');
const COMPATIBLE = prefix('::/96');
const NAT64_WELL_KNOWN = prefix('64:ff9b::/96');
const NAT64_LOCAL = prefix('64:ff9b:1::/48');
const SIX_TO_FOUR = prefix('2002::/16');
const TEREDO = prefix('2001::/32');

/** IPv4 from two 16-bit groups, optionally bit-inverted (Teredo obfuscates the client address). */
function fromParts(high: number, low: number, invert = false): ipaddr.IPv4 {
  const mask = invert ? 0xffff : 0;
  const h = (high ^ mask) & 0xffff;
  const l = (low ^ mask) & 0xffff;
  return new ipaddr.IPv4([h >> 8, h & 0xff, l >> 8, l & 0xff]);
}

/** The embedded IPv4 of a transition address, or undefined for a plain IPv6 address. */
export function extractEmbeddedIpv4(ip: ipaddr.IPv6): EmbeddedIpv4 | undefined {
  const p = ip.parts as [number, number, number, number, number, number, number, number];
  if (ip.match(MAPPED)) return { via: 'ipv4-mapped', ipv4: fromParts(p[6], p[7]), followsEmbedded: true };
  if (ip.match(TRANSLATED)) return { via: 'ipv4-translated', ipv4: fromParts(p[6], p[7]), followsEmbedded: false };
  // ::/96 also holds :: and ::1, which are IPv6's own unspecified and loopback addresses.
  if (ip.match(COMPATIBLE) && (p[6] !== 0 || p[7] > 1)) {
    return { via: 'ipv4-compatible', ipv4: fromParts(p[6], p[7]), followsEmbedded: false };
  }
  if (ip.match(NAT64_WELL_KNOWN)) return { via: 'nat64', ipv4: fromParts(p[6], p[7]), followsEmbedded: true };
  if (ip.match(NAT64_LOCAL)) {
    // RFC 8215 leaves the prefix length (/48../96) to the operator, which moves the IPv4 bits. We
    // decode only the common /96 layout (bits 48..95 zero); any other layout cannot be judged.
    const slash96 = p[3] === 0 && p[4] === 0 && p[5] === 0;
    return { via: 'nat64-local', ipv4: slash96 ? fromParts(p[6], p[7]) : undefined, followsEmbedded: true };
  }
  if (ip.match(SIX_TO_FOUR)) return { via: '6to4', ipv4: fromParts(p[1], p[2]), followsEmbedded: true };
  if (ip.match(TEREDO)) return { via: 'teredo', ipv4: fromParts(p[6], p[7], true), followsEmbedded: false };
  return undefined;
}
