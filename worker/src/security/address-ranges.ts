/**
 * @module worker/src/security/address-ranges
 * The table of non-public IPv4/IPv6 ranges (IANA special-purpose registries, RFC 6890 and successors).
 *
 * Why our own table rather than ipaddr.js `range()`: ipaddr.js parses and matches CIDRs well (we use it
 * for both), but its range names lump documentation, benchmarking and 240/4 into "reserved", call
 * 2001::/32 "teredo" without decoding it, and name everything it does not know "unicast" — including
 * IPv6 space outside 2000::/3 that is not routable. A guard needs precise reasons and a closed default.
 * Tunnel prefixes that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are decoded in
 * `embedded-ipv4.ts`, not here.
 */
import ipaddr from 'ipaddr.js';

export type AddressCategory =
  | 'public'
  | 'allow-listed'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'tunnel';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface SpecialRange {
  /** The range as written, shown in refusal reasons. */
  cidr: string;
  category: AddressCategory;
  /** What the range is, in a few words. */
  note: string;
  /** Parsed form for matching. */
  range: [IpAddress, number];
}

/** First match wins: specific entries (metadata, broadcast) precede the blocks containing them. */
const TABLE: Array<[cidr: string, category: AddressCategory, note: string]> = [
  // Cloud metadata endpoints: the classic SSRF prize. 168.63.129.16 (Azure) is public space.
  ['169.254.169.254/32', 'metadata', 'cloud metadata service (AWS, GCP, Azure, OCI, DO)'],
  ['168.63.129.16/32', 'metadata', 'Azure wireserver / metadata'],
  ['100.100.100.200/32', 'metadata', 'Alibaba Cloud metadata service'],
  ['fd00:ec2::254/128', 'metadata', 'AWS IPv6 metadata service'],
  // IPv4
  ['0.0.0.0/8', 'unspecified', '"this network" (0.0.0.0 reaches the local host on Linux)'],
  ['10.0.0.0/8', 'private', 'RFC 1918 private'],
  ['100.64.0.0/10', 'cgnat', 'RFC 6598 shared address space (carrier-grade NAT)'],
  ['127.0.0.0/8', 'loopback', 'loopback'],
  ['169.254.0.0/16', 'link-local', 'link-local'],
  ['172.16.0.0/12', 'private', 'RFC 1918 private'],
  ['192.0.0.0/24', 'reserved', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation', 'TEST-NET-1 documentation'],
  ['192.88.99.0/24', 'reserved', 'deprecated 6to4 relay anycast'],
  ['192.168.0.0/16', 'private', 'RFC 1918 private'],
  ['198.18.0.0/15', 'benchmarking', 'RFC 2544 benchmarking'],
  ['198.51.100.0/24', 'documentation', 'TEST-NET-2 documentation'],
  ['203.0.113.0/24', 'documentation', 'TEST-NET-3 documentation'],
  ['224.0.0.0/4', 'multicast', 'multicast'],
  ['255.255.255.255/32', 'broadcast', 'limited broadcast'],
  ['240.0.0.0/4', 'reserved', 'reserved for future use (class E)'],
  // IPv6 (embedded-IPv4 prefixes are handled before this table is consulted)
  ['::/128', 'unspecified', 'unspecified'],
  ['::1/128', 'loopback', 'loopback'],
  ['100::/64', 'reserved', 'discard-only'],
  ['2001:2::/48', 'benchmarking', 'RFC 5180 benchmarking'],
  ['2001:db8::/32', 'documentation', 'documentation'],
  ['2001::/23', 'reserved', 'IETF protocol assignments'],
  ['3fff::/20', 'documentation', 'RFC 9637 documentation'],
  ['fc00::/7', 'private', 'unique local (fc00::/7)'],
  ['fe80::/10', 'link-local', 'link-local'],
  ['fec0::/10', 'reserved', 'deprecated site-local'],
  ['ff00::/8', 'multicast', 'multicast'],
];

export const SPECIAL_RANGES: readonly SpecialRange[] = TABLE.map(([cidr, category, note]) => ({
  cidr,
  category,
  note,
  range: ipaddr.parseCIDR(cidr),
}));

/** All routable IPv6 unicast lies in 2000::/3; the rest of the space is unassigned or special. */
export const IPV6_GLOBAL_UNICAST: [IpAddress, number] = ipaddr.parseCIDR('2000::/3');

/** The first special range containing `ip`, if any. */
export function findSpecialRange(ip: IpAddress): SpecialRange | undefined {
  return SPECIAL_RANGES.find((entry) => entry.range[0].kind() === ip.kind() && ip.match(entry.range));
}
