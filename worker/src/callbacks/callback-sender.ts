/**
 * @module worker/callbacks/callback-sender
 * One delivery attempt of a result callback: POST the signed body through the SSRF guard,
 * record the attempt in the result store, and classify the outcome for BullMQ's retry.
 */
import type { Redis } from 'ioredis';
import { request, type Dispatcher } from 'undici';
import { callbackStatusKey } from '../../../shared/callback-keys.ts';
import { signQuarry } from '../../../shared/webhook-signature.ts';
import { NonRetryableError, RetryableError } from '../errors/index.ts';
import type { ResultStore } from '../result-store.ts';
import type { CallbackBody, CallbackJobData } from './callback-payload.ts';

export interface CallbackSenderOptions {
  results: Redis;
  resultStore: ResultStore;
  prefix: string;
  /** Secrets from QUARRY_CALLBACK_SECRET; the first one signs. */
  secrets: string[];
  userAgent: string;
  /** How long the bookkeeping hash lives (same as results). */
  ttlSeconds: number;
  checkUrl?: (url: URL) => Promise<void>;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

export class CallbackNotConfiguredError extends NonRetryableError {
  constructor() {
    super('Result callback not sent: QUARRY_CALLBACK_SECRET is not set, and callbacks are always signed');
  }
}

export class CallbackRejectedError extends RetryableError {
  constructor(status: number) {
    super(`Callback receiver answered HTTP ${status}`);
  }
}

export class CallbackGoneError extends NonRetryableError {
  constructor() {
    super('Callback receiver answered 410 Gone: no more attempts');
  }
}

export function createCallbackSender(options: CallbackSenderOptions) {
  const { results, resultStore, prefix, secrets, userAgent, ttlSeconds, checkUrl, dispatcher, timeoutMs = 10_000 } = { ...options };

  async function record(jobId: string, fields: Record<string, string | number>) {
    const key = callbackStatusKey(prefix, jobId);
    await results.multi().hincrby(key, 'attempts', 1).hset(key, { lastAttemptAt: Date.now(), ...fields }).expire(key, ttlSeconds).exec();
  }

  return async function deliver(data: CallbackJobData, attempt: number): Promise<number> {
    if (secrets.length === 0 || !secrets[0]) throw new CallbackNotConfiguredError();
    const payload: CallbackBody = { event: data.event, jobId: data.jobId, sentAt: new Date().toISOString() };
    if (data.event === 'job.completed') {
      const result = await resultStore.get(data.jobId);
      if (result) payload.result = result;
    } else if (data.error) {
      payload.error = data.error;
    }
    const body = JSON.stringify(payload);
    const url = new URL(data.callbackUrl);
    let status: number;
    try {
      await checkUrl?.(url);
      const response = await request(url, {
        method: 'POST', body, dispatcher, signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json', 'user-agent': userAgent,
          'quarry-signature': await signQuarry(secrets[0], body), 'quarry-delivery': `cb-${data.jobId}`, 'quarry-attempt': String(attempt),
        },
      });
      status = response.statusCode;
      await response.body.dump();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await record(data.jobId, { lastError: message.slice(0, 500), lastStatus: '' });
      if ((error as { retryable?: boolean }).retryable === false) throw new NonRetryableError(`Callback URL refused: ${message}`, { cause: error });
      throw new RetryableError(`Callback delivery failed: ${message}`, { cause: error });
    }
    const delivered = status >= 200 && status < 300;
    await record(data.jobId, delivered ? { lastStatus: status, lastError: '', delivered: 1, deliveredAt: Date.now() } : { lastStatus: status, lastError: `HTTP ${status}` });
    if (status === 410) throw new CallbackGoneError();
    if (!delivered) throw new CallbackRejectedError(status);
    return status;
  };
}
