/**
 * Hostile pages are bounded: a 5 MiB page and a huge table convert without holding the event
 * loop more than 100 ms at a time (main-thread CPU between two timer ticks), a page over the cap is refused, and nesting deeper than the
 * streaming passes follow is refused quickly instead of costing quadratic time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatInputTooDeepError, FormatInputTooLargeError } from '../../worker/src/formats/index.ts';
import { pageOf, run } from './format-harness.ts';

const MIB = 1024 * 1024;
/** As the fetcher makes it (TextDecoder): one flat string, not the rope `repeat` builds (flattening a 5 MiB rope alone took 25–120 ms). */
const decoded = (html: string) => new TextDecoder().decode(new TextEncoder().encode(html));
const paragraphs = decoded(('<p>' + 'word '.repeat(200) + '<a href="/x">link</a></p>\n').repeat(Math.ceil((5 * MIB) / 1024)));
const table = decoded('<table>' + ('<tr>' + '<td>cell</td>'.repeat(400) + '</tr>').repeat(Math.ceil((5 * MIB) / 5200)) + '</table>');

/**
 * Runs `work` while a 1 ms timer measures the longest stretch the event loop was not free, as
 * main-thread CPU time (process.threadCpuUsage): what our code blocked, not the time another
 * process on this shared machine had the core. Wall time is returned too, for the message.
 */
async function longestBlock<T>(work: () => Promise<T>): Promise<{ value: T; blockMs: number; wallMs: number }> {
  const cpuMs = () => { const { user, system } = process.threadCpuUsage(); return (user + system) / 1000; };
  let lastCpu = cpuMs();
  let lastWall = performance.now();
  let blockMs = 0;
  let wallMs = 0;
  const tick = () => {
    const cpu = cpuMs();
    const wall = performance.now();
    blockMs = Math.max(blockMs, cpu - lastCpu);
    wallMs = Math.max(wallMs, wall - lastWall);
    lastCpu = cpu;
    lastWall = wall;
  };
  const timer = setInterval(tick, 1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  lastCpu = cpuMs();
  lastWall = performance.now();
  try {
    const value = await work();
    tick();
    return { value, blockMs, wallMs };
  } finally {
    clearInterval(timer);
  }
}

describe('hostile pages', () => {
  // A worker converts many pages: measure the steady state, not the process's first sliced
  // conversion (mdream's stream set-up and unoptimized code cost ~60 ms once).
  beforeAll(async () => {
    const warm = decoded('<table>' + '<tr><td>a</td><td><a href="/b">b</a></td></tr>'.repeat(20_000) + '</table>');
    for (const format of ['markdown', 'html', 'links', 'metadata'] as const) await run(pageOf(warm), [format], format === 'markdown' || format === 'html' ? { excludeTags: ['nav'] } : {});
  });

  for (const [name, html] of [['5 MiB of paragraphs', paragraphs], ['a 5 MiB table', table]] as const) {
    it(`${name}: every format converts with no event-loop block over 100 ms`, async () => {
      expect(html.length).toBeGreaterThan(5 * MIB);
      for (const format of ['markdown', 'html', 'links', 'metadata'] as const) {
        const { value, blockMs, wallMs } = await longestBlock(() => run(pageOf(html), [format], format === 'markdown' || format === 'html' ? { excludeTags: ['nav'] } : {}));
        expect(value[format], format).toBeTruthy();
        expect(blockMs, `${format} held the loop ${blockMs.toFixed(0)} ms of CPU (${wallMs.toFixed(0)} ms of wall time)`).toBeLessThan(100);
      }
    });
  }

  it('refuses HTML over maxHtmlBytes, counting UTF-8 bytes', async () => {
    await expect(run(pageOf(paragraphs), ['markdown'], {}, { maxHtmlBytes: 4 * MIB })).rejects.toBeInstanceOf(FormatInputTooLargeError);
    const wide = 'é'.repeat(600_000); // 600,000 characters, 1.2 MB of UTF-8
    await expect(run(pageOf(wide), ['html'], {}, { maxHtmlBytes: 1_000_000 })).rejects.toThrow(/1200000 bytes\) is over the 1000000 bytes/);
    expect((await run(pageOf(wide), ['rawHtml'], {}, { maxHtmlBytes: 1_000_000 })).rawHtml).toBe(wide);
  });

  it('refuses 100,000 nested elements in the streaming passes within a second; markdown alone converts them', async () => {
    const deep = decoded('<div>'.repeat(100_000) + 'x' + '</div>'.repeat(100_000));
    for (const format of ['html', 'links'] as const) {
      const started = performance.now();
      await expect(run(pageOf(deep), [format])).rejects.toBeInstanceOf(FormatInputTooDeepError);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    const { value, blockMs } = await longestBlock(() => run(pageOf(deep), ['markdown']));
    expect(value.markdown).toBe('x');
    expect(blockMs).toBeLessThan(100);
  });

  it('a page of stray end tags at the deepest nesting followed stays within the loop budget', async () => {
    const html = decoded('<div>'.repeat(1000) + '</span>'.repeat(400_000));
    const { blockMs } = await longestBlock(() => run(pageOf(html), ['html'], { excludeTags: ['.x'] }));
    expect(blockMs).toBeLessThan(100);
  });
});
