/**
 * @module worker/effects/domain-errors-effect
 * Keeps each domain's last final failures for the dashboard's Domains view: on a job's final
 * failure only, one pipelined LPUSH + LTRIM (2 commands, 1 round trip) on the result store;
 * nothing on success or on a retried attempt. Not idempotent like the other effects: a failure
 * seen by both the worker's listener and the failed-job sweeper is pushed twice; the entry
 * carries the job id and the view shows each job once.
 */
import type { Redis } from 'ioredis';
import { domainKey } from '../../../shared/domain-key.ts';
import { DOMAIN_ERRORS_KEPT, domainErrorsKey } from '../../../shared/domain-keys.ts';
import { defineEffect } from './define-effect.ts';

/** Bounds an entry: a reason can quote a whole response line. */
const REASON_MAX_CHARS = 500;
const URL_MAX_CHARS = 500;

export function domainErrorsEffect(results: Redis, prefix: string) {
  return defineEffect({
    name: 'domain-errors',
    async failed({ jobId, data }, { reason }) {
      const url = data?.request?.url;
      if (typeof url !== 'string') return; // a task job or invalid data: no domain to charge
      let domain: string;
      try {
        domain = domainKey(url);
      } catch {
        return;
      }
      const key = domainErrorsKey(prefix, domain);
      const entry = JSON.stringify({ at: Date.now(), jobId, url: url.slice(0, URL_MAX_CHARS), reason: reason.slice(0, REASON_MAX_CHARS) });
      await results.pipeline().lpush(key, entry).ltrim(key, 0, DOMAIN_ERRORS_KEPT - 1).exec();
    },
  });
}
