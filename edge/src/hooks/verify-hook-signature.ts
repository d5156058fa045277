/**
 * @module edge/hooks/verify-hook-signature
 * Checks a delivery's signature by the hook's scheme and names the delivery by what the
 * signature covers, for replay protection (delivery-marker.ts) and idempotent job ids.
 */
import { toHex } from '../../../shared/bytes.ts';
import { DEFAULT_TOLERANCE_SECONDS, verifyGithub, verifyQuarry, type SignatureFailure } from '../../../shared/webhook-signature.ts';
import { sha256 } from '../auth/api-keys.ts';
import { HttpProblem } from '../problems/http-problem.ts';
import { MisconfiguredProblem } from '../problems/problems.ts';
import type { HookDefinition } from './hook-config.ts';

const MESSAGES: Record<SignatureFailure, string> = {
  missing: 'is missing',
  malformed: 'is malformed',
  expired: 'has a timestamp outside the 5-minute window (replayed or clock skew): sign with the current time',
  mismatch: 'does not match the body with any active secret',
};

/**
 * How long a delivery is remembered. `quarry`: a signed timestamp is accepted for 5 minutes
 * either side of now, so 2 × 5 minutes (+ 1 minute of margin) covers every moment a replay could
 * still pass the signature check. `github`: nothing signed expires, so the window is GitHub's
 * own redelivery window, 3 days; a delivery replayed later than that is accepted again.
 */
export const REPLAY_WINDOW_SECONDS = { quarry: 2 * DEFAULT_TOLERANCE_SECONDS + 60, github: 72 * 3600 } as const;

export class InvalidSignatureProblem extends HttpProblem {
  constructor(header: string, reason: SignatureFailure) {
    super({ status: 401, slug: 'invalid-signature', title: 'Invalid webhook signature', detail: `The ${header} header ${MESSAGES[reason]}.`, extensions: { reason } });
  }
}

export interface VerifiedDelivery {
  /**
   * The digest of exactly what the signature covers (`quarry`: "t.body"; `github`: the body),
   * so nothing a replayer may change without the secret (another `v1=` in the header, another
   * `X-GitHub-Delivery`, which GitHub does not sign) makes a replay look new.
   */
  deliveryId: string;
  /** How long the delivery id must be remembered to refuse replays. */
  replayWindowSeconds: number;
}

export async function verifyHookSignature(hook: HookDefinition, env: Env, headers: Headers, body: string): Promise<VerifiedDelivery> {
  const raw = (env as unknown as Record<string, unknown>)[hook.secretBinding];
  const secrets = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (secrets.length === 0) throw new MisconfiguredProblem(`Hook secret ${hook.secretBinding} is not set: add it with "wrangler secret put ${hook.secretBinding}".`);
  if (hook.scheme === 'github') {
    const header = headers.get('x-hub-signature-256') ?? undefined;
    const check = await verifyGithub(header, body, { secrets });
    if (!check.ok) throw new InvalidSignatureProblem('X-Hub-Signature-256', check.reason);
    return { deliveryId: `g-${toHex(await sha256(body))}`, replayWindowSeconds: REPLAY_WINDOW_SECONDS.github };
  }
  const header = headers.get('quarry-signature') ?? undefined;
  const check = await verifyQuarry(header, body, { secrets });
  if (!check.ok) throw new InvalidSignatureProblem('Quarry-Signature', check.reason);
  return { deliveryId: `q-${toHex(await sha256(`${check.timestamp}.${body}`))}`, replayWindowSeconds: REPLAY_WINDOW_SECONDS.quarry };
}
