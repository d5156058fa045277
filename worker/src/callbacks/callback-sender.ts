/**
 * @module worker/callbacks/callback-sender
 * One delivery attempt of a result callback: POST the signed body through the SSRF guard,
 * record the attempt in the result store, and classify the outcome for BullMQ's retry.
 * Signed with the job's tenant's secret when it has one, so one tenant cannot make Quarry sign
 * bodies that another tenant's receiver accepts.
 */
import type { Redis } from 'ioredis';
import { request, type Dispatcher } from 'undici';
import { callbackStatusKey } from '../../../shared/callback-keys.ts';
import { idTag, tenantTag } from '../../../shared/tenant.ts';
import { signQuarry } from '../../../shared/webhook-signature.ts';
import { NonRetryableError, RetryableError } from '../errors/index.ts';
import type { ResultStore } from '../result-store.ts';
import { callbackDeliveryId, type CallbackBody, type CallbackJobData } from './callback-payload.ts';

export interface CallbackSenderOptions {
  results: Redis;
  resultStore: ResultStore;
  prefix: string;
  /** Secrets from QUARRY_CALLBACK_SECRET, for tenants without their own; the first one signs. */
  secrets: string[];
  /** Per-tenant secrets from QUARRY_CALLBACK_SECRETS; the first of each list signs. */
  tenantSecrets?: Record<string, string[]>;
  userAgent: string;
  /** How long the bookkeeping hash lives (same as results). */
  ttlSeconds: number;
  checkUrl?: (url: URL) => Promise<void>;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

export class CallbackNotConfiguredError extends NonRetryableError {
  constructor(tenant: string | undefined) {
    super(`Result callback not sent: callbacks are always signed, and neither QUARRY_CALLBACK_SECRETS has an entry for ${tenant ? `tenant "${tenant}"` : 'this job (it has no tenant)'} nor is QUARRY_CALLBACK_SECRET set`);
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
  const { results, resultStore, prefix, secrets, tenantSecrets = {}, userAgent, ttlSeconds, checkUrl, dispatcher, timeoutMs = 10_000 } = { ...options };
  // Tenants with a secret, by the tag their job ids start with: names the tenant of a callback
  // queued without one (by a worker from before tenants, during a rolling deploy).
  const tenantsByTag = Promise.all(Object.keys(tenantSecrets).map(async (tenant) => [await tenantTag(tenant), tenant] as const)).then((pairs) => new Map(pairs));

  async function tenantOf(data: CallbackJobData): Promise<string | undefined> {
    if (data.tenant) return data.tenant;
    const tag = idTag(data.jobId);
    return tag ? (await tenantsByTag).get(tag) : undefined;
  }

  async function record(jobId: string, fields: Record<string, string | number>) {
    const key = callbackStatusKey(prefix, jobId);
    await results.multi().hincrby(key, 'attempts', 1).hset(key, { lastAttemptAt: Date.now(), ...fields }).expire(key, ttlSeconds).exec();
  }

  return async function deliver(data: CallbackJobData, attempt: number): Promise<number> {
    const tenant = await tenantOf(data);
    const secret = (tenant === undefined ? undefined : tenantSecrets[tenant]?.[0]) ?? secrets[0];
    if (!secret) throw new CallbackNotConfiguredError(tenant);
    const payload: CallbackBody = { event: data.event, jobId: data.jobId, sentAt: new Date().toISOString() };
    if (tenant !== undefined) payload.tenant = tenant;
    if (data.crawl) {
      payload.crawlId = data.crawl.id;
      if (data.crawl.view) payload.crawl = data.crawl.view;
      if (data.crawl.page) {
        const result = data.crawl.page.status === 'completed' ? await resultStore.get(data.crawl.page.jobId) : null;
        payload.page = result ? { ...data.crawl.page, result } : data.crawl.page;
      }
      if (data.error) payload.error = data.error;
    } else if (data.event === 'job.completed') {
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
          'quarry-signature': await signQuarry(secret, body), 'quarry-delivery': callbackDeliveryId(data), 'quarry-attempt': String(attempt),
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
