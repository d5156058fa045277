/**
 * @module worker/src/politeness
 * Public surface of the politeness layer: what the acquire stage, the worker and the tests import.
 */
export { createDomainLimiter, type DomainLimiter, type AcquireOptions } from './domain-limiter.ts';
export { LIMITER_DEFAULTS, type DomainLimiterOptions } from './limiter-options.ts';
export type { AcquireResult, AcquireGranted, AcquireDenied, DenyReason, DomainUsage } from './limiter-replies.ts';
export { parseRetryAfter, parseHttpDate, type RetryAfterOptions } from './retry-after.ts';
export { createRobotsCache, type RobotsCache, type RobotsCacheOptions, type RobotsDecision } from './robots-cache.ts';
export { compactRobots, robotsAgentToken, ROBOTS_MAX_STORED_BYTES, type CompactRobots } from './robots-compact.ts';
export { createUndiciRobotsFetcher } from './robots-fetch.ts';
export type { FetchRobots, RobotsOutcome } from './robots-policy.ts';
export { createPolitenessGate, type GatePass, type PolitenessGate, type PolitenessGateOptions } from './politeness-gate.ts';
export {
  DomainCoolingDownError, DomainThrottledError, RobotsDisallowedError, RobotsUnreachableError, RobotsUnreachableTooLongError,
} from './gate-errors.ts';
export { createWorkerPoliteness, type WorkerPolitenessContext } from './worker-politeness.ts';
export { PolitenessError, InvalidPolitenessConfigError, UnexpectedScriptReplyError } from './errors.ts';
