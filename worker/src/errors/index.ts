/**
 * @module worker/errors
 * Every error class the worker throws; the class decides the retry policy (see retry-policy.ts).
 */
export * from './retry-policy.ts';
export * from './job-errors.ts';
export * from './fetch-errors.ts';
export * from './browser-errors.ts';
export * from './extract-errors.ts';
