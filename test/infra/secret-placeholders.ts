/**
 * @module test/infra/secret-placeholders
 * Tells a placeholder (`<broker-password>`) from something that looks like a real credential,
 * for the example Secret that is committed to the repo.
 */

const PLACEHOLDER = /<[a-z0-9-]+>/;
/** A long run of token characters: how API keys, passwords and base64 blobs look. */
const TOKEN_RUN = /[A-Za-z0-9+/=_-]{16,}/;
/** userinfo password of a URL: `scheme://user:<password>@host`. */
const URL_PASSWORD = /^[a-z]+:\/\/[^:@/]*:([^@]*)@/;

/** Why the value looks like a real secret, or undefined when it is clearly a placeholder. */
export function realSecretReason(value: string): string | undefined {
  const password = URL_PASSWORD.exec(value)?.[1];
  if (password !== undefined && !/^<[a-z0-9-]+>$/.test(password)) return `URL password "${password}" is not a <placeholder>`;
  const run = TOKEN_RUN.exec(value.replace(new RegExp(PLACEHOLDER.source, 'g'), ''))?.[0];
  if (run) return `"${run}" looks like a key or password`;
  if (!PLACEHOLDER.test(value)) return 'contains no <placeholder>';
  return undefined;
}
