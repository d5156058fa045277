/**
 * @module worker/src/politeness/errors
 * Typed errors of the politeness layer, so callers can tell a bad configuration from Redis
 * trouble.
 */

/** Base class: every error this layer throws on purpose. */
export class PolitenessError extends Error {
  override name = 'PolitenessError';
}

/** Options or limits that cannot work (negative margins, grace longer than the wait…). */
export class InvalidPolitenessConfigError extends PolitenessError {
  override name = 'InvalidPolitenessConfigError';
}

/** A script answered something this code does not understand (version skew between files). */
export class UnexpectedScriptReplyError extends PolitenessError {
  override name = 'UnexpectedScriptReplyError';
  readonly reply: unknown;
  constructor(script: string, reply: unknown) {
    super(`Unexpected reply from ${script}: ${JSON.stringify(reply)?.slice(0, 200)}`);
    this.reply = reply;
  }
}
