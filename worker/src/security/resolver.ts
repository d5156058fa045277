/**
 * @module worker/src/security/resolver
 * The DNS seam of the guard: a function from hostname to every address it resolves to. Tests
 * inject their own (no real DNS); production uses the system resolver, like Node's own sockets.
 */
import { lookup } from 'node:dns/promises';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Must return ALL addresses for the name (the guard judges every one of them). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * getaddrinfo through libuv's thread pool, `all: true` and in the order the resolver gave them,
 * so the guard sees the same answers a plain `net.connect` would have used.
 */
export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, order: 'verbatim' });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
