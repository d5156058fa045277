/**
 * Browser-mode tasks in a real worker process with real Chromium: ctx.page renders script
 * pages, every navigation passes the SSRF guard and robots.txt, the page is wiped between runs,
 * and an http-mode task cannot reach for a page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedJsPage } from '../support/test-site-pages.ts';
import { startTaskStack, type TaskStack } from './task-stack.ts';

let t: TaskStack;
const HOST = '127.0.0.2';

beforeAll(async () => {
  // One page: consecutive runs share it, so the wipe between them is what the test sees.
  t = await startTaskStack({
    name: 'tasks-browser', hosts: [HOST], workers: 1, workerEnv: { QUARRY_BROWSER_PAGES: '1' },
    prepareSite: (site) => site.setRobots(HOST, 'User-agent: *\nDisallow: /status/\n'),
  });
}, 90_000);
afterAll(async () => t?.close());

describe('browser-mode tasks', () => {
  it('ctx.page renders a script page; the next run on the same page sees nothing the first left', async () => {
    for (const n of [4, 5]) {
      const id = await t.addTask('browser-text', { url: t.site.url(HOST, `/js/${n}`) });
      expect(await t.waitForState(id, ['completed', 'failed'], 60_000)).toBe('completed');
      expect((await t.result(id))?.value).toEqual({ status: 200, text: expectedJsPage(n).rendered, seen: { cookie: '', stored: null } });
    }
  });

  it('a navigation robots.txt disallows fails the run and never reaches the site', async () => {
    t.site.clearLog();
    const id = await t.addTask('browser-text', { url: t.site.url(HOST, '/status/200') });
    expect(await t.waitForState(id, ['completed', 'failed'], 60_000)).toBe('failed');
    expect((await t.queue.getJob(id))!.failedReason).toMatch(/robots\.txt/i);
    expect(t.site.log.filter((entry) => entry.path.startsWith('/status/'))).toEqual([]);
  });

  it('a navigation to a forbidden address is blocked', async () => {
    const id = await t.addTask('browser-text', { url: `http://127.0.0.9:${t.site.port}/js/1` });
    expect(await t.waitForState(id, ['completed', 'failed'], 60_000)).toBe('failed');
    expect((await t.queue.getJob(id))!.failedReason).toMatch(/127\.0\.0\.9|blocked|not allowed|forbidden|loopback/i);
    // The page is usable again for the next run.
    const next = await t.addTask('browser-text', { url: t.site.url(HOST, '/js/6') });
    expect(await t.waitForState(next, ['completed', 'failed'], 60_000)).toBe('completed');
  });

  it('a browser task that hangs fails at its timeout and its page serves the next run', async () => {
    const id = await t.addTask('browser-hang', { url: t.site.url(HOST, '/js/7') });
    expect(await t.waitForState(id, ['completed', 'failed'], 60_000)).toBe('failed');
    expect((await t.queue.getJob(id))!.failedReason).toMatch(/did not finish within 2000 ms/);
    const next = await t.addTask('browser-text', { url: t.site.url(HOST, '/js/8') });
    expect(await t.waitForState(next, ['completed', 'failed'], 60_000)).toBe('completed');
    expect((await t.result(next))?.value).toMatchObject({ text: expectedJsPage(8).rendered });
  });

  it('an http-mode task that reaches for ctx.page fails saying what it needs', async () => {
    const id = await t.addTask('wrong-mode', {});
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('failed');
    expect((await t.queue.getJob(id))!.failedReason).toMatch(/ctx\.page needs mode: 'browser'/);
  });
});
