/**
 * @module test/worker/actions
 * Browser actions through a real worker and real Chromium, on pages that need each of them: a
 * "load more" button, a form, infinite scroll and a value computed by script; a screenshot and
 * scrapes along the way; a click that follows a link; a script on a page whose CSP forbids eval;
 * a failing action fails the job with its index and reason; a script that never returns is
 * bounded by the job's deadline and its page is not reused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequestInput } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { startArtifactServer, type ArtifactServer } from '../../dev/local/artifact-server.ts';
import { startActionSite, type ActionSite } from '../support/action-pages.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
let site: ActionSite;
let server: ArtifactServer;

beforeAll(async () => {
  [h, site, server] = await Promise.all([startHarness(), startActionSite(HOST_A), startArtifactServer()]);
  // Screenshot actions hand files to the artifacts effect, which needs a store.
  await h.startWorker({
    browserPages: 1, artifactDriver: 'local', artifactEndpoint: server.endpoint, artifactBucket: server.bucket,
    artifactAccessKeyId: server.accessKeyId, artifactSecretAccessKey: server.secretAccessKey, artifactTtlSeconds: 60,
  });
});
afterAll(async () => {
  await Promise.all([h?.close(), site?.close(), server?.close()]);
});

async function run(input: Partial<JobRequestInput>) {
  const job = await h.add({ mode: 'browser', url: site.url('/more'), attempts: 1, ...input } as JobRequestInput);
  const done = await h.settled(job, ['completed', 'failed'], 30_000);
  const stored = await h.resultClient.get(resultKey(h.prefix, job.id!));
  return { job: done, state: await done.getState(), result: stored ? JSON.parse(stored) : undefined };
}

describe('browser actions', () => {
  it('clicks "load more" until the list is complete, and the outputs see the result', async () => {
    const { state, result } = await run({
      url: site.url('/more'), extract: { 'items[]': '.item' },
      actions: [
        { type: 'click', selector: '#more' }, { type: 'wait', selector: '.item:nth-child(4)' },
        { type: 'click', selector: '#more' }, { type: 'wait', selector: '.item:nth-child(6)' }, { type: 'scrape' },
      ],
    });
    expect(state).toBe('completed');
    expect(result.extract.items).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(result.actions.scrapes).toHaveLength(1);
    expect(result.actions.scrapes[0].html).not.toContain('id="more"');
  });

  it('fills and submits a form', async () => {
    const { result } = await run({
      url: site.url('/form'), extract: { greeting: '#greeting' },
      actions: [{ type: 'write', selector: '#name', text: 'Ada' }, { type: 'press', key: 'Enter' }, { type: 'wait', milliseconds: 50 }],
    });
    expect(result.extract.greeting).toBe('Hello, Ada');
  });

  it('scrolls an infinite feed to load more posts, and screenshots it', async () => {
    const { result } = await run({
      url: site.url('/scroll'), extract: { 'posts[]': '.post' },
      actions: [{ type: 'scroll', direction: 'down' }, { type: 'scroll', direction: 'down' }, { type: 'scroll', direction: 'down' }, { type: 'screenshot', fullPage: true }],
    });
    expect(result.extract.posts.length).toBeGreaterThanOrEqual(10); // 5 before any scroll
    expect(result.actions.screenshots).toEqual(['action-3.png']);
  });

  it('returns what a script computes', async () => {
    const { result } = await run({
      url: site.url('/computed'),
      actions: [{ type: 'executeJavascript', script: "return Number(document.getElementById('a').textContent) * Number(document.getElementById('b').textContent);" }, { type: 'executeJavascript', script: 'return { title: document.title };' }],
    });
    expect(result.actions.javascriptReturns).toEqual([{ type: 'number', value: 42 }, { type: 'object', value: { title: 'actions' } }]);
  });

  it('follows a link a click navigates to, and reads the page it led to', async () => {
    const { state, result } = await run({
      url: site.url('/link'), extract: { a: '#a' },
      actions: [{ type: 'click', selector: '#next' }, { type: 'executeJavascript', script: "return document.getElementById('b').textContent;" }],
    });
    expect(state).toBe('completed');
    expect(result.finalUrl).toBe(site.url('/computed'));
    expect(result.extract.a).toBe('21');
    expect(result.actions.javascriptReturns).toEqual([{ type: 'string', value: '2' }]);
  });

  it('runs a script on a page whose Content-Security-Policy forbids eval', async () => {
    const { state, result } = await run({ url: site.url('/csp'), actions: [{ type: 'executeJavascript', script: "return document.getElementById('a').textContent + '!';" }] });
    expect(state).toBe('completed');
    expect(result.actions.javascriptReturns).toEqual([{ type: 'string', value: '21!' }]);
  });

  it('fails a script that throws, returns too much or does not parse, without a retry', async () => {
    const threw = await run({ url: site.url('/computed'), attempts: 2, actions: [{ type: 'executeJavascript', script: "throw new Error('boom');" }] });
    expect(threw.state).toBe('failed');
    expect(threw.job.failedReason).toBe('action 0 (executeJavascript): the script threw Error: boom');
    expect(threw.job.attemptsMade).toBe(1);
    const huge = await run({ url: site.url('/computed'), attempts: 2, actions: [{ type: 'executeJavascript', script: "return 'x'.repeat(100000);" }] });
    expect(huge.job.failedReason).toBe('action 0 (executeJavascript): the script returned more than 65536 characters of JSON');
    const unparsable = await run({ url: site.url('/computed'), attempts: 2, actions: [{ type: 'executeJavascript', script: 'return (;' }] });
    expect(unparsable.state).toBe('failed');
    expect(unparsable.job.failedReason).toMatch(/^action 0 \(executeJavascript\): the script could not run: SyntaxError/);
    expect(unparsable.job.attemptsMade).toBe(1);
  });

  it('ends a script that never returns at the job\'s deadline, and the next job gets a working page', async () => {
    const started = Date.now();
    const { state, job } = await run({ url: site.url('/computed'), timeoutMs: 2_000, actions: [{ type: 'executeJavascript', script: 'while (true) {}' }] });
    expect(state).toBe('failed');
    expect(job.failedReason).toBe('action 0 (executeJavascript): timed out');
    expect(Date.now() - started).toBeLessThan(15_000);
    const next = await run({ url: site.url('/computed'), extract: { a: '#a' } });
    expect(next.state).toBe('completed');
    expect(next.result.extract.a).toBe('21');
  });

  it('fails the job with the action\'s index and reason, without a retry', async () => {
    const { state, job } = await run({ url: site.url('/more'), attempts: 3, actions: [{ type: 'wait', milliseconds: 10 }, { type: 'click', selector: '#nope' }] });
    expect(state).toBe('failed');
    expect(job.failedReason).toBe("action 1 (click '#nope'): no element matches");
    expect(job.attemptsMade).toBe(1);
  });

  it('fails an unknown key and a hidden element as final, naming the action', async () => {
    const key = await run({ url: site.url('/form'), attempts: 2, actions: [{ type: 'press', key: 'NoSuchKey' }] });
    expect(key.job.failedReason).toBe('action 0 (press \'NoSuchKey\'): unknown key "NoSuchKey"');
    expect(key.job.attemptsMade).toBe(1);
    const hidden = await run({ url: site.url('/form'), attempts: 2, actions: [{ type: 'click', selector: '#hidden' }] });
    expect(hidden.job.failedReason).toBe("action 0 (click '#hidden'): the element is not visible or cannot be clicked");
    expect(hidden.job.attemptsMade).toBe(1);
  });

  it('retries an action whose wait ran out of time, as a timeout', async () => {
    const { state, job } = await run({ url: site.url('/more'), attempts: 2, actions: [{ type: 'wait', selector: '#never', milliseconds: 200 }] });
    expect(state).toBe('failed');
    expect(job.failedReason).toBe("action 0 (wait '#never'): timed out");
    expect(job.attemptsMade).toBe(2);
  });
});
