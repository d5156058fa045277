/**
 * @module worker/src/security/allow-list
 * Operator-configured CIDRs that may be reached despite being private (e.g. a staging site on
 * 10.1.2.0/24, or loopback test servers). Empty by default: nothing private is reachable.
 */
import type { IpAddress } from './address-ranges.ts';
import { parseIpStrict } from './ip-literal.ts';

/** The environment variable read by `allowListFromEnv`: comma- or space-separated CIDRs. */
export const ALLOW_PRIVATE_CIDRS_ENV = 'QUARRY_ALLOW_PRIVATE_CIDRS';

export class InvalidCidrError extends Error {
  override name = 'InvalidCidrError';
  readonly cidr: string;

  constructor(cidr: string) {
    super(`Invalid CIDR in allow-list: "${cidr}" (expected e.g. 10.0.0.0/8, 127.0.0.2/31 or fd00::/8)`);
    this.cidr = cidr;
  }
}

export interface AllowList {
  /** The CIDRs as configured, for logs. */
  readonly cidrs: readonly string[];
  /** The first configured CIDR containing `ip`, or undefined. */
  match(ip: IpAddress): string | undefined;
}

/**
 * Parses CIDRs strictly: the address part must be a canonical IPv4 dotted quad or a valid IPv6
 * address (ipaddr.js's own `parseCIDR` would also take `0x7f.1/31`, which is easy to misread in
 * config). A bare address means a single host (/32 or /128).
 */
export function parseAllowList(input: string | readonly string[] = []): AllowList {
  const items = typeof input === 'string' ? input.split(/[\s,]+/) : input;
  const cidrs = items.map((item) => item.trim()).filter((item) => item !== '');
  const ranges = cidrs.map((cidr): [IpAddress, number] => {
    const [addressPart = '', bitsPart, ...rest] = cidr.split('/');
    const ip = parseIpStrict(addressPart);
    if (!ip || rest.length > 0) throw new InvalidCidrError(cidr);
    const maxBits = ip.kind() === 'ipv4' ? 32 : 128;
    const bits = bitsPart === undefined ? maxBits : Number(bitsPart);
    if (!/^\d{1,3}$/.test(bitsPart ?? String(maxBits)) || bits > maxBits) throw new InvalidCidrError(cidr);
    return [ip, bits];
  });
  return {
    cidrs,
    match(ip) {
      const index = ranges.findIndex(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
      return index === -1 ? undefined : cidrs[index];
    },
  };
}

/** Reads `QUARRY_ALLOW_PRIVATE_CIDRS`; unset or empty means nothing private is allowed. */
export function allowListFromEnv(env: Record<string, string | undefined> = process.env): AllowList {
  return parseAllowList(env[ALLOW_PRIVATE_CIDRS_ENV] ?? '');
}

export const EMPTY_ALLOW_LIST: AllowList = parseAllowList([]);

