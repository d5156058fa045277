/**
 * @module worker/src/security/host-parser
 * Turns a URL's host into an IP literal or a DNS name, with the same reading the fetch will use.
 *
 * The WHATWG URL parser (Node's `URL`, and Chromium's) already normalises every odd IPv4 notation
 * for special schemes (http, https, ws, wss): `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`,
 * `127.0.0.1.`, `%31%32%37.0.0.1` and full-width digits all become `127.0.0.1`, and a host that
 * "ends in a number" but is not a valid IPv4 address makes the URL invalid. IPv6 comes back
 * bracketed and compressed (`[::ffff:7f00:1]`). We rely on that, then parse the result strictly:
 * anything the URL parser left that is neither canonical IP nor a plain name is refused.
 */
import type { IpAddress } from './address-ranges.ts';
import { InvalidHostError } from './errors.ts';
import { formatIp, parseIpStrict } from './ip-literal.ts';

export type ParsedHost =
  | { kind: 'ip'; /** Canonical address text, without brackets. */ address: string; ip: IpAddress; family: 4 | 6 }
  | {
      kind: 'dns';
      /** The name as the URL parser normalised it (lower case, punycode, trailing dot kept). */
      name: string;
      /** `localhost` and `*.localhost` (RFC 6761): Chromium answers these itself, without DNS. */
      isLocalhost: boolean;
    };

/** Characters that would change the URL's structure if spliced into `http://<host>/`. */
const STRUCTURAL = /[/\\?#@\s\u0000-\u001f\u007f]/u;

/** Every DNS label: letters, digits, hyphen, underscore (seen in the wild), punycode; dots between. */
const DNS_NAME = /^(?=.{1,254}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

function classifyNormalised(hostname: string, original: string): ParsedHost {
  const ip = parseIpStrict(hostname);
  if (ip) return { kind: 'ip', address: formatIp(ip), ip, family: ip.kind() === 'ipv4' ? 4 : 6 };
  if (hostname.startsWith('[') || !DNS_NAME.test(hostname)) throw new InvalidHostError(original, 'unparseable');
  const bare = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  return { kind: 'dns', name: hostname, isLocalhost: bare === 'localhost' || bare.endsWith('.localhost') };
}

/** Parses the host of an already-parsed URL (its `hostname` is WHATWG-normalised). */
export function parseUrlHost(url: URL): ParsedHost {
  return classifyNormalised(url.hostname, url.hostname);
}

/**
 * Parses a bare host string (e.g. from undici's connector or a config file) by running it through
 * the URL parser as `http://<host>/`, so it gets exactly the reading a fetch of that host would.
 * Unbracketed IPv6 (as undici passes it) is accepted too.
 */
export function parseHost(host: string): ParsedHost {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (host === '' || STRUCTURAL.test(host)) throw new InvalidHostError(host, 'unparseable');
  const url = URL.parse(`http://${bracketed}/`);
  // A port or credentials would mean `host` was more than a host.
  if (!url || url.port !== '' || url.username !== '' || url.password !== '') throw new InvalidHostError(host, 'unparseable');
  return classifyNormalised(url.hostname, host);
}
