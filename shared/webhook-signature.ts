/**
 * @module shared/webhook-signature
 * HMAC-SHA256 webhook signatures, Web Crypto only (runs in workerd and Node alike):
 * Quarry's Stripe-style `Quarry-Signature: t=<unix>,v1=<hex>` over `<t>.<body>`, and GitHub's
 * `X-Hub-Signature-256: sha256=<hex>` over the body.
 */
import { constantTimeEqual, fromHex, toHex } from './bytes.ts';

const encoder = new TextEncoder();

/** How far a signed timestamp may be from now before the request counts as a replay. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
}

/** The `Quarry-Signature` header value for a body sent at `timestamp` (unix seconds). */
export async function signQuarry(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  return `t=${timestamp},v1=${toHex(await hmacSha256(secret, `${timestamp}.${body}`))}`;
}

export type SignatureFailure = 'missing' | 'malformed' | 'expired' | 'mismatch';
export type SignatureCheck = { ok: true; timestamp?: number } | { ok: false; reason: SignatureFailure };

export interface VerifyOptions {
  /** Every active secret (two during a rotation); any may match. */
  secrets: readonly string[];
  toleranceSeconds?: number;
  now?: number;
}

export async function verifyQuarry(header: string | undefined, body: string, options: VerifyOptions): Promise<SignatureCheck> {
  const { secrets, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now() } = { ...options };
  if (!header) return { ok: false, reason: 'missing' };
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const candidates = parts.filter(([k]) => k === 'v1').map(([, v]) => fromHex(v ?? '')).filter((v): v is Uint8Array => v !== undefined && v.length === 32);
  const timestamp = Number(t);
  if (!t || !Number.isInteger(timestamp) || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return { ok: false, reason: 'expired' };
  let matched = false;
  for (const secret of secrets) {
    const expected = await hmacSha256(secret, `${timestamp}.${body}`);
    for (const candidate of candidates) matched = constantTimeEqual(expected, candidate) || matched;
  }
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

/** GitHub's scheme has no timestamp: replays are stopped by the delivery id instead. */
export async function verifyGithub(header: string | undefined, body: string, options: VerifyOptions): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: 'missing' };
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  const candidate = match ? fromHex(match[1]!) : undefined;
  if (!candidate) return { ok: false, reason: 'malformed' };
  let matched = false;
  for (const secret of options.secrets) matched = constantTimeEqual(await hmacSha256(secret, body), candidate) || matched;
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
