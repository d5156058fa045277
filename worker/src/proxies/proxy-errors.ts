/**
 * @module worker/proxies/proxy-errors
 * Failures of the proxy layer. The class is the retry policy (worker/src/errors/retry-policy.ts);
 * messages name proxies by their redacted label only, never with credentials.
 */
import { NonRetryableError, RetryableError, RetryLaterError } from '../errors/index.ts';

/** The job names a pool the workers do not have (or none are configured): the same on every try. */
export class UnknownProxyPoolError extends NonRetryableError {
  readonly pool: string;
  constructor(pool: string, known: readonly string[]) {
    super(known.length === 0
      ? `proxy: no proxy pools are configured on the workers (QUARRY_PROXY_POOLS), so pool "${pool}" cannot be used`
      : `proxy: unknown pool "${pool}"; the workers have ${known.map((name) => `"${name}"`).join(', ')}`);
    this.pool = pool;
  }
}

/** Every proxy of the pool is cooling down: the job comes back when the first one is usable, without spending an attempt. */
export class ProxiesCoolingDownError extends RetryLaterError {
  constructor(pool: string, retryAfterMs: number) {
    super(`proxy: every proxy of pool "${pool}" is cooling down; the job returns in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
  }
}

/** The proxy itself failed: connection refused or reset, TLS to it failed, or it refused our credentials. It cools down; the next attempt takes another. */
export class ProxyFailedError extends RetryableError {
  readonly proxy: string;
  constructor(label: string, reason: string, cause?: unknown) {
    super(`proxy ${label} failed: ${reason}`, { cause });
    this.proxy = label;
  }
}

/** The site answered 403 through the proxy: the proxy is likely blocked there. It cools down; the next attempt takes another. */
export class ProxyBlockedError extends RetryableError {
  readonly proxy: string;
  readonly status: number;
  constructor(label: string, status: number, cause?: unknown) {
    super(`Target answered HTTP ${status} through proxy ${label}: the proxy cools down and the next attempt uses another`, { cause });
    this.proxy = label;
    this.status = status;
  }
}
