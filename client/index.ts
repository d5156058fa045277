/**
 * @module client
 * `quarry/client`: a typed client of the Quarry API, generated from its OpenAPI document
 * (openapi-typescript types in schema.generated.ts, openapi-fetch at run time), with helpers to
 * wait for a job, follow its events and page through lists. Web-standard APIs only: Node,
 * browsers and Workers. README "Typed client".
 */
import type { components } from './schema.generated.ts';

export { createQuarryClient, type QuarryApi, type QuarryClientOptions } from './quarry-client.ts';
export { QuarryProblemError, problemOf, unwrap, type Problem } from './problem.ts';
export { MAX_WAIT_SECONDS, waitForJob, type JobView } from './wait.ts';
export { jobEvents, type JobEvent } from './events.ts';
export { listAllCrawlPages, listAllJobs } from './paging.ts';
export type { components, operations, paths } from './schema.generated.ts';
export type Schemas = components['schemas'];
