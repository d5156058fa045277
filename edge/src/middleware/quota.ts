/**
 * @module edge/middleware/quota
 * Per-API-key request quota with @upstash/ratelimit (sliding window, in the broker's hash
 * tag). Answers 429 + Retry-After when exceeded and sets `RateLimit-*` headers (IETF draft)
 * on every response. Costs one extra Redis command per allowed request, so it is opt-in.
 */
import { Ratelimit } from '@upstash/ratelimit';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { HttpProblem } from '../problems/http-problem.ts';
import { upstashClient } from '../redis/upstash-clients.ts';

export class QuotaExceededProblem extends HttpProblem {
  constructor(limit: number, windowSeconds: number, retryAfter: number) {
    super({
      status: 429, slug: 'quota-exceeded', title: 'Too many requests',
      detail: `This API key may make ${limit} requests per ${windowSeconds} s: retry after ${retryAfter} s.`,
      headers: { 'retry-after': String(retryAfter) },
    });
  }
}

const limiters = new Map<string, Ratelimit>();

export function quota(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const config = loadEdgeConfig(c.env);
    if (config.quota.requests === 0) return next();
    const cacheKey = `${config.broker.url}|${config.prefix}|${config.quota.requests}|${config.quota.windowSeconds}`;
    let limiter = limiters.get(cacheKey);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: upstashClient(config.broker),
        limiter: Ratelimit.slidingWindow(config.quota.requests, `${config.quota.windowSeconds} s`),
        prefix: `${config.prefix}:quota`,
        // Keys already over the limit are refused from memory, without a Redis call.
        ephemeralCache: new Map(),
        // Fail open after 1 s: a slow quota store must not take the API down with it.
        timeout: 1000,
        analytics: false,
      });
      limiters.set(cacheKey, limiter);
    }
    const result = await limiter.limit(c.get('apiKeyId'));
    const resetSeconds = Math.max(0, Math.ceil((result.reset - Date.now()) / 1000));
    const headers = { 'ratelimit-limit': String(result.limit), 'ratelimit-remaining': String(result.remaining), 'ratelimit-reset': String(resetSeconds) };
    if (!result.success) {
      const problem = new QuotaExceededProblem(result.limit, config.quota.windowSeconds, Math.max(1, resetSeconds));
      Object.assign(problem.headers, headers);
      throw problem;
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
