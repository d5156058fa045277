/**
 * @module worker/logger
 * The worker's pino logger: JSON lines, secrets redacted, URLs logged without query strings.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** The `service` field of every line: which process wrote it (`quarry-worker`, `quarry-dashboard`, …). */
  service?: string;
  /** Where lines go; stdout when omitted (tests pass a stream to read them). */
  destination?: pino.DestinationStream;
}

/** Fields that may carry credentials, at any of the depths the worker logs. */
export const REDACTED_PATHS = [
  'authorization', 'token', 'password', 'cookie',
  '*.authorization', '*.token', '*.password', '*.cookie',
  '*.*.authorization', '*.*.token', '*.*.password', '*.*.cookie',
  'headers.authorization', '*.headers.authorization', '*.headers.cookie',
];

export function createLogger(options: LoggerOptions = {}): Logger {
  const { level = 'info', destination, service = 'quarry-worker' } = { ...options };
  const config = { level, base: { service }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(config, destination) : pino(config);
}

/** Origin and path only: query strings and fragments often carry tokens. */
export function loggableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(invalid url)';
  }
}
