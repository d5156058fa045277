/**
 * @module shared/crawls
 * What the edge and the workers agree on about crawls: the request schemas, the scope and
 * canonical-URL rules, key names, the record and its view, and the Lua scripts.
 */
export * from './crawl-request.ts';
export * from './crawl-scope.ts';
export * from './crawl-keys.ts';
export * from './crawl-record.ts';
export * from './crawl-scripts.ts';
export * from './crawl-create.ts';
export { compilePathPattern, matchesAny, pathPatternSchema } from './path-patterns.ts';
