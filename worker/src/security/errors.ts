/**
 * @module worker/src/security/errors
 * Typed refusals of the SSRF guard. All are final: retrying the same URL cannot succeed, so the
 * worker maps them onto its NonRetryableError. Messages are built here, never by call sites.
 */
import type { AddressCategory } from './address-ranges.ts';

/** Base of every guard refusal; `retryable` lets callers test without importing each class. */
export abstract class SsrfRefusalError extends Error {
  readonly retryable = false;
}

/** The URL's scheme is not one the guard lets through (e.g. `file:`, `gopher:`, `ftp:`). */
export class ForbiddenProtocolError extends SsrfRefusalError {
  override name = 'ForbiddenProtocolError';
  readonly protocol: string;

  constructor(protocol: string) {
    super(`Refused: protocol "${protocol}" is not allowed`);
    this.protocol = protocol;
  }
}

/** The host is, or resolves to, an address outside the public internet (and not allow-listed). */
export class ForbiddenAddressError extends SsrfRefusalError {
  override name = 'ForbiddenAddressError';
  /** The host as written in the URL (or given to the connector). */
  readonly host: string;
  /** The offending address, or undefined when the name itself is refused (`localhost`). */
  readonly address: string | undefined;
  readonly category: AddressCategory;
  /** Human-readable why, e.g. "127.0.0.0/8 loopback via IPv4-mapped IPv6". */
  readonly reason: string;

  constructor(host: string, address: string | undefined, category: AddressCategory, reason: string) {
    const target = address === undefined || address === host ? host : `${host} (${address})`;
    super(`Refused: ${target} is a forbidden address: ${reason}`);
    this.host = host;
    this.address = address;
    this.category = category;
    this.reason = reason;
  }
}

/** The host cannot be parsed as an IP literal or a DNS name, or DNS gave no usable answer. */
export class InvalidHostError extends SsrfRefusalError {
  override name = 'InvalidHostError';
  readonly host: string;

  constructor(host: string, why: 'unparseable' | 'no-addresses') {
    super(
      why === 'unparseable'
        ? `Refused: host "${host}" is not a valid hostname or IP address`
        : `Refused: host "${host}" resolved to no addresses`,
    );
    this.host = host;
  }
}

/** True for any refusal of the guard, whichever module threw it. */
export function isSsrfRefusal(error: unknown): error is SsrfRefusalError {
  return error instanceof SsrfRefusalError;
}
