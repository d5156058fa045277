/**
 * @module worker/src/security/ssrf-guard
 * The SSRF guard for both fetch modes: `checkUrl` for the http fetcher's per-hop hook, a pinned
 * undici `dispatcher` that re-checks at connect time, and `checkRequest` for the browser renderer.
 *
 * Mixed DNS answers: a name is refused if ANY of its addresses is forbidden. Picking only the
 * allowed ones would work for undici, but Chromium picks its own address and cannot be pinned, so
 * refusing keeps both modes' answers identical; and a public site that also publishes a private
 * address is misconfigured or an attack (multi-answer rebinding).
 */
import { Agent, type buildConnector } from 'undici';
import { classifyAddress, type AddressVerdict } from './address-classifier.ts';
import { parseAllowList, type AllowList } from './allow-list.ts';
import { ForbiddenAddressError, ForbiddenProtocolError, InvalidHostError, type SsrfRefusalError } from './errors.ts';
import { createGuardedConnector } from './guarded-connector.ts';
import { parseHost, parseUrlHost, type ParsedHost } from './host-parser.ts';
import { systemResolver, type Resolver } from './resolver.ts';

export interface SsrfGuardOptions {
  /** Private CIDRs that may be reached anyway (e.g. `process.env.QUARRY_ALLOW_PRIVATE_CIDRS`). Default: none. */
  allowPrivateCidrs?: string | readonly string[] | AllowList;
  /** Hostname → all its addresses. Default: the system resolver (getaddrinfo). */
  resolve?: Resolver;
  /** Schemes `checkUrl` accepts. Default `['http:', 'https:']`. `checkRequest` judges ws:/wss: as http:/https:. */
  allowedProtocols?: readonly string[];
  /** undici connector options for the dispatcher (timeouts, TLS); `lookup` is always the guard's. */
  connect?: buildConnector.BuildOptions;
  /** Further undici Agent options (pool sizes, keep-alive...). */
  agent?: Omit<Agent.Options, 'connect'>;
  /** Called when `checkRequest` refuses a URL, with the refusal (or the resolver's error). */
  onRequestRefused?: (url: string, error: unknown) => void;
}

export interface CheckedTarget {
  url: URL;
  host: ParsedHost;
  /** Every address the host resolved to, all allowed. Informational: the dispatcher re-resolves. */
  addresses: AddressVerdict[];
}

export interface SsrfGuard {
  /** Throws ForbiddenProtocolError, ForbiddenAddressError or InvalidHostError; the fetcher calls it per hop. */
  checkUrl(url: URL | string): Promise<CheckedTarget>;
  /** Resolves a host (name or literal) and throws unless every address is allowed. */
  checkHost(host: string | ParsedHost): Promise<AddressVerdict[]>;
  /** Browser hook: never throws; true when the request may go out. */
  checkRequest(url: URL | string): Promise<boolean>;
  /** undici Agent that judges and pins every connection's address. */
  readonly dispatcher: Agent;
  readonly allowList: AllowList;
  /** Closes the dispatcher's sockets. */
  close(): Promise<void>;
}

const DEFAULTS = { allowedProtocols: ['http:', 'https:'], resolve: systemResolver } as const;

/** Browser-only schemes that never touch the network: accepted by `checkRequest` as is. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);
const WEBSOCKET_TO_HTTP: Record<string, string> = { 'ws:': 'http:', 'wss:': 'https:' };

function toAllowList(input: SsrfGuardOptions['allowPrivateCidrs']): AllowList {
  if (input === undefined) return parseAllowList([]);
  return typeof input === 'string' || Array.isArray(input) ? parseAllowList(input) : (input as AllowList);
}

function refuse(host: string, verdict: AddressVerdict): never {
  throw new ForbiddenAddressError(host, verdict.address, verdict.category, verdict.reason);
}

export function createSsrfGuard(options: SsrfGuardOptions = {}): SsrfGuard {
  const { allowedProtocols, resolve, connect, agent, onRequestRefused } = { ...DEFAULTS, ...options };
  const allowList = toAllowList(options.allowPrivateCidrs);

  async function checkHost(host: string | ParsedHost): Promise<AddressVerdict[]> {
    const parsed = typeof host === 'string' ? parseHost(host) : host;
    const label = typeof host === 'string' ? host : parsed.kind === 'ip' ? parsed.address : parsed.name;
    if (parsed.kind === 'ip') {
      const verdict = classifyAddress(parsed.ip, allowList);
      return verdict.allowed ? [verdict] : refuse(label, verdict);
    }
    // Chromium resolves *.localhost to loopback without asking DNS; refuse the name itself.
    if (parsed.isLocalhost) throw new ForbiddenAddressError(label, undefined, 'loopback', 'localhost names are loopback (RFC 6761)');
    const answers = await resolve(parsed.name);
    if (answers.length === 0) throw new InvalidHostError(label, 'no-addresses');
    const verdicts = answers.map(({ address }) => {
      try {
        return classifyAddress(address, allowList);
      } catch {
        throw new InvalidHostError(`${label} → ${address}`, 'unparseable');
      }
    });
    const forbidden = verdicts.find((v) => !v.allowed);
    return forbidden ? refuse(label, forbidden) : verdicts;
  }

  async function checkUrl(input: URL | string): Promise<CheckedTarget> {
    const url = typeof input === 'string' ? new URL(input) : input;
    if (!allowedProtocols.includes(url.protocol)) throw new ForbiddenProtocolError(url.protocol);
    const host = parseUrlHost(url);
    return { url, host, addresses: await checkHost(host) };
  }

  async function checkRequest(input: URL | string): Promise<boolean> {
    try {
      let url = typeof input === 'string' ? new URL(input) : input;
      if (LOCAL_SCHEMES.has(url.protocol)) return true;
      const httpScheme = WEBSOCKET_TO_HTTP[url.protocol];
      if (httpScheme) {
        // A WebSocket handshake is an HTTP(S) request to the same host: judge it as one.
        url = new URL(url.href);
        url.protocol = httpScheme;
      }
      await checkUrl(url);
      return true;
    } catch (error) {
      onRequestRefused?.(String(input), error as SsrfRefusalError | Error);
      return false;
    }
  }

  const dispatcher = new Agent({ ...agent, connect: createGuardedConnector(checkHost, connect) });
  return { checkUrl, checkHost, checkRequest, dispatcher, allowList, close: () => dispatcher.close() };
}
