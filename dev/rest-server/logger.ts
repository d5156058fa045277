/**
 * @module dev/rest-server/logger
 * The small logging surface the REST server needs; pino loggers and `console`-like objects fit.
 */

/** Structured logger: a context object first, then a message (pino's argument order). */
export interface RestServerLogger {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

/** Discards everything: the default, so tests and benchmarks stay quiet. */
export const silentLogger: RestServerLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
