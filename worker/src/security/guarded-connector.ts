/**
 * @module worker/src/security/guarded-connector
 * An undici connector that resolves and judges the destination AT CONNECT TIME and then connects
 * to exactly the addresses it judged: no second DNS lookup happens between check and connect, so
 * DNS rebinding cannot slip a private address in after the check.
 */
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import type { AddressVerdict } from './address-classifier.ts';

/** Resolves `hostname` (a name or IP literal) and throws unless every address is allowed. */
export type HostCheck = (hostname: string) => Promise<AddressVerdict[]>;

export class NoAddressForFamilyError extends Error {
  override name = 'NoAddressForFamilyError';
  readonly code = 'ENOTFOUND';

  constructor(hostname: string, family: number) {
    super(`No allowed IPv${family} address for ${hostname}`);
  }
}

function wantedFamily(family: unknown): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

/**
 * A `net.connect` lookup hook backed by `check`. Node calls it with `all: true` when
 * autoSelectFamily (happy eyeballs, on by default) is active, and tries the returned addresses in
 * order; those are the judged addresses, nothing else.
 */
export function guardedLookup(check: HostCheck): LookupFunction {
  return (hostname, options, callback) => {
    check(hostname).then(
      (verdicts) => {
        const family = wantedFamily(options.family);
        const usable = verdicts.filter((v) => family === 0 || v.family === family);
        const first = usable[0];
        if (!first) return callback(new NoAddressForFamilyError(hostname, family), '', 0);
        if (options.all) return callback(null, usable.map(({ address, family: f }) => ({ address, family: f })));
        return callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, '', 0),
    );
  };
}

/**
 * Wraps undici's own connector (TLS, sessions, timeouts unchanged) with the guard. `net.connect`
 * skips `lookup` for IP literals, so those are judged here before connecting.
 */
export function createGuardedConnector(check: HostCheck, options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const connect = buildConnector({ ...options, lookup: guardedLookup(check) });
  return (connectOptions, callback) => {
    if (isIP(connectOptions.hostname) === 0) return connect(connectOptions, callback);
    check(connectOptions.hostname).then(
      () => connect(connectOptions, callback),
      (error: Error) => callback(error, null),
    );
  };
}
