/**
 * @module dev/local/wait-for
 * Polls a condition until it holds or a deadline passes: the only way tests and scripts wait.
 */
export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  timeoutMs?: number;
  /** Pause between checks, in milliseconds. */
  intervalMs?: number;
  /** Named in the timeout error so a failure says what never happened. */
  description?: string;
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/** Resolves with the first truthy value `check` returns; errors thrown by `check` count as "not yet". */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 25, description = 'condition' } = { ...options };
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new WaitTimeoutError(`Timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
