/**
 * @module worker/proxies/proxy-url
 * Proxy URLs as configured (`http://user:pass@host:port`, `https://…`, `socks5://…`): parsed
 * once, named by a short id (the fleet state's key) and a label with the credentials masked —
 * the only form that reaches logs, metrics, errors and results.
 */
import { createHash } from 'node:crypto';

export type ProxyKind = 'http' | 'https' | 'socks5';

export interface ProxyEndpoint {
  kind: ProxyKind;
  /** The URL as configured, credentials included: for the transport only. */
  url: URL;
  /** 10 hex digits of SHA-256 of the URL: the proxy's name in Redis (credentials never leave the worker). */
  id: string;
  /** `http://***@127.0.0.5:8000`: safe to log. */
  label: string;
  username: string;
  password: string;
}

const KINDS: Readonly<Record<string, ProxyKind>> = { 'http:': 'http', 'https:': 'https', 'socks5:': 'socks5', 'socks5h:': 'socks5' };

/** The URL with any user info replaced by `***`. */
export function redactProxyUrl(url: URL | string): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
    const masked = parsed.username !== '' || parsed.password !== '';
    return `${parsed.protocol}//${masked ? '***@' : ''}${parsed.host}`;
  } catch {
    return '(invalid proxy url)';
  }
}

/** Throws with a message that never echoes the URL's credentials. */
export function parseProxyUrl(text: string): ProxyEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a URL (${redactProxyUrl(text)})`);
  }
  const kind = KINDS[url.protocol];
  if (!kind) throw new Error(`${redactProxyUrl(url)}: the scheme must be http://, https:// or socks5://`);
  if (url.hostname === '' || url.port === '' && kind === 'socks5') throw new Error(`${redactProxyUrl(url)}: needs a host${kind === 'socks5' ? ' and a port' : ''}`);
  if (url.pathname !== '/' && url.pathname !== '' || url.search !== '' || url.hash !== '') throw new Error(`${redactProxyUrl(url)}: a proxy URL has no path, query or fragment`);
  return {
    kind, url, id: createHash('sha256').update(url.href).digest('hex').slice(0, 10), label: redactProxyUrl(url),
    username: decodeURIComponent(url.username), password: decodeURIComponent(url.password),
  };
}
