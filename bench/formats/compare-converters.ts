/**
 * @module bench/formats/compare-converters
 * Issue 14's converter comparison, re-runnable: `node bench/formats/compare-converters.ts`.
 * Prints Markdown tables (docs/formats.md quotes them): quality checks per converter, µs per
 * page at three sizes, hostile pages (time and longest event-loop block), main-content
 * extraction, and what Quarry's formats cost next to its plain extraction. Single process,
 * no network; run it on a quiet machine (it prints the load average it started with).
 */
import { cpus, loadavg } from 'node:os';
import { extractFromHtml } from '../../worker/src/extract/extract-fields.ts';
import { normalizeExtract } from '../../shared/job-schema.ts';
import { DEFAULT_FORMAT_LIMITS, runFormats } from '../../worker/src/formats/index.ts';
import { FORMAT_PAGE_URL, QUALITY_PAGE } from '../../test/support/format-pages.ts';
import { renderPage } from '../../test/support/test-site-pages.ts';
import { HTTP_EXTRACT } from '../workload/pages.ts';
import { loadCandidates } from './converters.ts';
import { HOSTILE_PAGES, hostileCell, hostileChild, QUARRY_HOSTILE_ROWS } from './hostile.ts';
import { judge, MAIN_CONTENT_CANDIDATES } from './main-content.ts';
import { CHECKS, runChecks } from './quality-checks.ts';
import { fmt, microsPerAsyncCall, microsPerCall } from './timing.ts';

if (process.argv[2] === '--hostile-child') {
  await hostileChild(process.argv[3]!, process.argv[4]!);
  process.exit(0);
}

const benchPages = Array.from({ length: 50 }, (_, i) => renderPage(i + 1));
const big = `<html><body>${QUALITY_PAGE.replace(/^[\s\S]*<body>|<\/body>[\s\S]*$/g, '').repeat(80)}</body></html>`;
const ctx = { limits: DEFAULT_FORMAT_LIMITS };
const page = (html: string) => ({ url: FORMAT_PAGE_URL, finalUrl: FORMAT_PAGE_URL, status: 200, contentType: 'text/html', headers: {}, html, fetchedAt: new Date().toISOString() });

const [load1, load5] = loadavg();
console.log(`# Converter comparison — ${new Date().toISOString()}`);
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average at start ${load1!.toFixed(2)} / ${load5!.toFixed(2)} (1 / 5 min)\n`);

const candidates = await loadCandidates();
for (const c of candidates.filter((c) => c.loadError)) console.log(`- ${c.name} ${c.version} did not load: ${c.loadError}`);
const loaded = candidates.filter((c) => c.convert);

console.log('## Quality (QUALITY_PAGE, LINKS_PAGE in test/support/format-pages.ts)\n');
console.log(`| check | ${loaded.map((c) => `${c.name} ${c.version}`).join(' | ')} |`);
console.log(`|---|${loaded.map(() => '---').join('|')}|`);
const results = loaded.map((c) => runChecks(c.convert!));
CHECKS.forEach((check, i) => console.log(`| ${check.name} | ${results.map((r) => (r.passed[i] ? '✓' : '✗')).join(' | ')} |`));
console.log(`| **passed** | ${results.map((r) => `${r.passed.filter(Boolean).length}/${CHECKS.length}`).join(' | ')} |\n`);

console.log('## Speed: µs per page (median of 5 rounds)\n');
console.log('| converter | 2.5 KB quality page | 20 KB bench page | 200 KB page |');
console.log('|---|---|---|---|');
const slowOnBig = new Set<string>();
for (const c of loaded) {
  const small = microsPerCall(() => c.convert!(QUALITY_PAGE, FORMAT_PAGE_URL));
  const bench = microsPerCall((i) => c.convert!(benchPages[i % benchPages.length]!, FORMAT_PAGE_URL));
  const large = microsPerCall(() => c.convert!(big, FORMAT_PAGE_URL), { rounds: 3, minMs: 300, warmup: 3 });
  if (large > 50_000) slowOnBig.add(c.name);
  console.log(`| ${c.name} | ${fmt(small)} | ${fmt(bench)} | ${fmt(large)} |`);
}

console.log('\n## Hostile pages: wall time / longest event-loop block in main-thread CPU ms (each in its own process)\n');
console.log(`| converter | ${Object.keys(HOSTILE_PAGES).join(' | ')} |`);
console.log(`|---|${Object.keys(HOSTILE_PAGES).map(() => '---').join('|')}|`);
for (const name of [...loaded.filter((c) => !slowOnBig.has(c.name)).map((c) => `${c.name} (one call)`), ...QUARRY_HOSTILE_ROWS]) {
  console.log(`| ${name} | ${Object.keys(HOSTILE_PAGES).map((pageName) => hostileCell(name, pageName)).join(' | ')} |`);
}
if (slowOnBig.size) console.log(`\nNot run on hostile pages (over 50 ms per 200 KB page already): ${[...slowOnBig].join(', ')}.`);

console.log('\n## Main content (onlyMainContent)\n');
console.log('| candidate | kept / dropped what it should | µs per 20 KB bench page | misses |');
console.log('|---|---|---|---|');
for (const [name, candidate] of Object.entries(MAIN_CONTENT_CANDIDATES)) {
  const verdict = await judge(candidate);
  const micros = await microsPerAsyncCall((i) => candidate(benchPages[i % benchPages.length]!));
  console.log(`| ${name} | ${verdict.kept + verdict.dropped}/${verdict.total} | ${fmt(micros)} | ${verdict.misses.join('; ') || '—'} |`);
}

console.log('\n## Quarry formats on the 20 KB bench page (µs per page)\n');
const rules = normalizeExtract(HTTP_EXTRACT as never);
const rows: [string, (i: number) => Promise<unknown> | unknown][] = [
  ['plain extract (title + 3 rules, the default result)', (i) => extractFromHtml(benchPages[i % 50]!, rules)],
  ['markdown', (i) => runFormats(page(benchPages[i % 50]!), ['markdown'], { mode: 'http' }, ctx)],
  ['markdown + onlyMainContent', (i) => runFormats(page(benchPages[i % 50]!), ['markdown'], { mode: 'http', onlyMainContent: true }, ctx)],
  ['html (cleaned)', (i) => runFormats(page(benchPages[i % 50]!), ['html'], { mode: 'http' }, ctx)],
  ['links', (i) => runFormats(page(benchPages[i % 50]!), ['links'], { mode: 'http' }, ctx)],
  ['metadata', (i) => runFormats(page(benchPages[i % 50]!), ['metadata'], { mode: 'http' }, ctx)],
];
console.log('| work | µs per page |');
console.log('|---|---|');
for (const [name, work] of rows) console.log(`| ${name} | ${fmt(await microsPerAsyncCall(async (i) => work(i)))} |`);
const [end1] = loadavg();
console.log(`\nLoad average at the end: ${end1!.toFixed(2)}.`);
