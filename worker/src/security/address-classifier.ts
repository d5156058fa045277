/**
 * @module worker/src/security/address-classifier
 * Decides whether one IP address may be contacted: public unicast yes, everything special no,
 * unless an operator allow-list says otherwise. Pure logic, no I/O.
 */
import ipaddr from 'ipaddr.js';
import { EMPTY_ALLOW_LIST, type AllowList } from './allow-list.ts';
import { findSpecialRange, IPV6_GLOBAL_UNICAST, type AddressCategory, type IpAddress } from './address-ranges.ts';
import { extractEmbeddedIpv4, type EmbeddingKind } from './embedded-ipv4.ts';
import { formatIp, parseIpStrict } from './ip-literal.ts';

export interface AddressVerdict {
  allowed: boolean;
  /** Canonical text of the classified address. */
  address: string;
  family: 4 | 6;
  /** 'public' or 'allow-listed' when allowed; otherwise why not. */
  category: AddressCategory;
  /** One line for logs and error messages, e.g. "127.0.0.0/8 loopback via ipv4-mapped (127.0.0.1)". */
  reason: string;
  /** Set when the address is an IPv6 transition address carrying an IPv4 address. */
  via?: EmbeddingKind;
  /** The carried IPv4 address, when decodable. */
  embedded?: string;
}

type Judgement = Pick<AddressVerdict, 'allowed' | 'category' | 'reason'>;

const PUBLIC: Judgement = { allowed: true, category: 'public', reason: 'public unicast' };

/** The table's verdict on an address that carries nothing embedded. */
function judgePlain(ip: IpAddress): Judgement {
  const special = findSpecialRange(ip);
  if (special) return { allowed: false, category: special.category, reason: `${special.cidr} ${special.note}` };
  if (ip.kind() === 'ipv6' && !ip.match(IPV6_GLOBAL_UNICAST)) {
    return { allowed: false, category: 'reserved', reason: 'outside 2000::/3 global unicast' };
  }
  return PUBLIC;
}

function verdict(ip: IpAddress, judgement: Judgement, extra: Partial<AddressVerdict> = {}): AddressVerdict {
  return { ...judgement, address: formatIp(ip), family: ip.kind() === 'ipv4' ? 4 : 6, ...extra };
}

/**
 * Classifies `address` (canonical text or a parsed ipaddr.js object). Throws TypeError on text that is
 * not a canonical IP literal: callers parse hosts with host-parser.ts first.
 */
export function classifyAddress(address: string | IpAddress, allowList: AllowList = EMPTY_ALLOW_LIST): AddressVerdict {
  const ip = typeof address === 'string' ? parseIpStrict(address) : address;
  if (!ip) throw new TypeError(`Not a canonical IP address: "${String(address)}"`);

  const listed = allowList.match(ip);
  if (listed) return verdict(ip, { allowed: true, category: 'allow-listed', reason: `allow-listed by ${listed}` });
  if (ip.kind() === 'ipv4') return verdict(ip, judgePlain(ip));

  const embedded = extractEmbeddedIpv4(ip as ipaddr.IPv6);
  if (!embedded) return verdict(ip, judgePlain(ip));

  const { via, ipv4, followsEmbedded } = embedded;
  if (!ipv4) {
    return verdict(ip, { allowed: false, category: 'reserved', reason: `${via} prefix with an undecodable layout` }, { via });
  }
  const extra = { via, embedded: ipv4.toString() };
  // An IPv4-mapped address is the very same socket destination as its IPv4 form, so the allow-list
  // applies to it; for NAT64 and 6to4 a gateway sits in between, so it does not.
  const listedEmbedded = via === 'ipv4-mapped' ? allowList.match(ipv4) : undefined;
  if (listedEmbedded) {
    return verdict(ip, { allowed: true, category: 'allow-listed', reason: `allow-listed by ${listedEmbedded} via ${via}` }, extra);
  }
  const inner = judgePlain(ipv4);
  if (!inner.allowed) return verdict(ip, { ...inner, reason: `${inner.reason} via ${via} (${ipv4.toString()})` }, extra);
  if (followsEmbedded) return verdict(ip, { ...PUBLIC, reason: `public unicast via ${via} (${ipv4.toString()})` }, extra);
  return verdict(ip, { allowed: false, category: 'tunnel', reason: `${via} tunnel address (not used by web servers)` }, extra);
}

/** Convenience for allow/deny without the details. */
export function isAllowedAddress(address: string | IpAddress, allowList: AllowList = EMPTY_ALLOW_LIST): boolean {
  return classifyAddress(address, allowList).allowed;
}
