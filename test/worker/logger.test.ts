/**
 * @module test/worker/logger
 * Log lines never carry credentials: redacted fields, URLs without query strings.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, loggableUrl } from '../../worker/src/logger.ts';
import { redactRedisUrl } from '../../worker/src/redis-connection.ts';

describe('worker logger', () => {
  it('redacts authorization, token and cookie fields at any logged depth', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger({ destination }).child({ jobId: '1' });
    logger.info({ token: 'secret-1', request: { headers: { authorization: 'Bearer secret-2', cookie: 'sid=secret-3' } } }, 'x');
    logger.info({ callback: { token: 'secret-4' } }, 'y');
    const output = lines.join('');
    expect(output).not.toMatch(/secret-/);
    expect(output).toContain('[redacted]');
  });

  it('names the process that wrote each line (worker by default)', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    createLogger({ destination }).info('a');
    createLogger({ destination, service: 'quarry-dashboard' }).info('b');
    expect(lines.map((line) => JSON.parse(line).service)).toEqual(['quarry-worker', 'quarry-dashboard']);
  });

  it('drops query strings from URLs and passwords from Redis URLs', () => {
    expect(loggableUrl('https://shop.test/item?id=1&key=abc#x')).toBe('https://shop.test/item?…');
    expect(redactRedisUrl('redis://user:hunter2@redis:6379/0')).toBe('redis://user:***@redis:6379/0');
  });
});
