/**
 * @module shared/bytes
 * Hex encoding and constant-time comparison of digests, for API keys and signatures alike.
 */

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Undefined unless `hex` is an even-length string of hex digits. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0) return undefined;
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/** Equal-length byte arrays compared without an early exit, so timing says nothing about the content. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
