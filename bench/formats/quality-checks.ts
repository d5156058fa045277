/**
 * @module bench/formats/quality-checks
 * What "good markdown" means for Quarry, as checks a converter's output passes or fails:
 * GFM tables, fenced code with its language, nested lists, absolute links and images (also
 * against `<base href>`), and no script/style/title text.
 */
import { FORMAT_PAGE_URL, LINKS_PAGE, QUALITY_PAGE } from '../../test/support/format-pages.ts';
import type { Convert } from './converters.ts';

/** The base URL Quarry hands a converter for LINKS_PAGE (its `<base href="/docs/v2/">`). */
const LINKS_BASE = 'http://127.0.0.2:8080/docs/v2/';

export interface Check { name: string; pass: (quality: string, links: string) => boolean }

export const CHECKS: Check[] = [
  { name: 'GFM table (header, delimiter, escaped \\|)', pass: (md) => /^\|\s*Name\s*\|\s*Default\s*\|\s*Description\s*\|$/m.test(md) && /^\| ?:?-{3,}/m.test(md) && /Per job \\\| pipe/.test(md) },
  { name: 'inline code inside table cells', pass: (md) => /^\|\s*`mode`\s*\|/m.test(md) },
  { name: 'fenced code keeps language and text', pass: (md) => md.includes("```ts\nconst job = await quarry.scrape({\n  url: 'https://example.com',  // two spaces kept\n});\nif (a < b && c > d) {}\n") },
  { name: 'nested lists (ol in ul, 3 levels)', pass: (md) => /\n {2,4}1\.\s+Nested one\s*\n/.test(md) && /\n {4,8}[-*+]\s+Deeper/.test(md) },
  { name: 'no stray hard breaks (lines ending in 2 spaces)', pass: (md) => !/\S {2,}$/m.test(md.replace(/```[\s\S]*?```/g, '')) },
  { name: 'links absolute', pass: (md) => md.includes('(http://127.0.0.2:8080/docs/api/jobs.html#post)') && md.includes('(http://127.0.0.2:8080/two)') },
  { name: 'images absolute, alt kept', pass: (md) => md.includes('![Architecture diagram](http://127.0.0.2:8080/docs/guide/img/arch.png)') },
  { name: 'relative to <base href>', pass: (_md, links) => links.includes('(http://127.0.0.2:8080/docs/v2/page.html)') },
  { name: 'no script/style/title text', pass: (md) => !/tracking|color:red|more = 2/.test(md) && !md.trimStart().startsWith('Guide') },
];

export function runChecks(convert: Convert): { passed: boolean[]; quality: string } {
  const quality = convert(QUALITY_PAGE, FORMAT_PAGE_URL);
  const links = convert(LINKS_PAGE, LINKS_BASE);
  return { passed: CHECKS.map((check) => check.pass(quality, links)), quality };
}
