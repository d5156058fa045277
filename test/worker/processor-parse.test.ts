/**
 * @module test/worker/processor-parse
 * Job payload validation before any fetch: bad data and a name that is not the mode are final.
 */
import { describe, expect, it } from 'vitest';
import { InvalidJobError } from '../../worker/src/errors/index.ts';
import { parseJobData } from '../../worker/src/processor.ts';
import { jobData } from './harness.ts';

describe('parseJobData', () => {
  it('accepts what the edge enqueues', () => {
    const data = jobData({ url: 'http://127.0.0.2:8080/page/1', mode: 'browser', waitFor: 'h1' });
    expect(parseJobData({ name: 'browser', data }).request).toMatchObject({ mode: 'browser', waitFor: 'h1', timeoutMs: 30_000 });
  });

  it('rejects data that fails the schema, saying where', () => {
    const error = (() => {
      try {
        parseJobData({ name: 'http', data: { request: { url: 'ftp://x.test/' }, acceptedAt: 1 } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidJobError);
    expect((error as InvalidJobError).issues[0]).toMatch(/^request\.url: /);
  });

  it('rejects a job whose name is not its mode', () => {
    expect(() => parseJobData({ name: 'browser', data: jobData({ url: 'http://127.0.0.2/' }) })).toThrow(/is not request.mode/);
  });
});
