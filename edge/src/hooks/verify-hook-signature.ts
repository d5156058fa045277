/**
 * @module edge/hooks/verify-hook-signature
 * Checks a delivery's signature by the hook's scheme and names the delivery (for idempotency).
 */
import { verifyGithub, verifyQuarry, type SignatureFailure } from '../../../shared/webhook-signature.ts';
import { HttpProblem } from '../problems/http-problem.ts';
import { MisconfiguredProblem } from '../problems/problems.ts';
import type { HookDefinition } from './hook-config.ts';

const MESSAGES: Record<SignatureFailure, string> = {
  missing: 'is missing',
  malformed: 'is malformed',
  expired: 'has a timestamp outside the 5-minute window (replayed or clock skew): sign with the current time',
  mismatch: 'does not match the body with any active secret',
};

export class InvalidSignatureProblem extends HttpProblem {
  constructor(header: string, reason: SignatureFailure) {
    super({ status: 401, slug: 'invalid-signature', title: 'Invalid webhook signature', detail: `The ${header} header ${MESSAGES[reason]}.`, extensions: { reason } });
  }
}

export interface VerifiedDelivery {
  /** Stable per delivery: GitHub's delivery id, or the signature itself (unique per body and time). */
  deliveryId: string;
}

export async function verifyHookSignature(hook: HookDefinition, env: Env, headers: Headers, body: string): Promise<VerifiedDelivery> {
  const raw = (env as unknown as Record<string, unknown>)[hook.secretBinding];
  const secrets = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (secrets.length === 0) throw new MisconfiguredProblem(`Hook secret ${hook.secretBinding} is not set: add it with "wrangler secret put ${hook.secretBinding}".`);
  if (hook.scheme === 'github') {
    const header = headers.get('x-hub-signature-256') ?? undefined;
    const check = await verifyGithub(header, body, { secrets });
    if (!check.ok) throw new InvalidSignatureProblem('X-Hub-Signature-256', check.reason);
    return { deliveryId: headers.get('x-github-delivery') ?? header! };
  }
  const header = headers.get('quarry-signature') ?? undefined;
  const check = await verifyQuarry(header, body, { secrets });
  if (!check.ok) throw new InvalidSignatureProblem('Quarry-Signature', check.reason);
  return { deliveryId: header! };
}
