/**
 * @module bench/formats/main-content
 * `onlyMainContent` candidates: @mozilla/readability on a linkedom DOM (then mdream), Quarry's
 * tag-and-role heuristic in one streaming pass (worker/src/formats/narrowing.ts, then mdream),
 * and mdream's own `isolateMain`, judged on what each keeps and drops.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { htmlToMarkdown } from 'mdream';
import { DEFAULT_FORMAT_LIMITS } from '../../worker/src/formats/index.ts';
import { convertToMarkdown } from '../../worker/src/formats/markdown-converter.ts';
import { narrowHtml } from '../../worker/src/formats/narrowing.ts';
import { ARTICLE_PAGE, DIV_SOUP_PAGE, FORMAT_PAGE_URL, QUALITY_PAGE } from '../../test/support/format-pages.ts';

export type MainContent = (html: string) => Promise<string>;

const ctx = { limits: DEFAULT_FORMAT_LIMITS };

export const MAIN_CONTENT_CANDIDATES: Record<string, MainContent> = {
  'Readability on linkedom': async (html) => {
    const { document } = parseHTML(html);
    const article = new Readability(document as unknown as Document).parse();
    return htmlToMarkdown(article?.content ?? '', { origin: FORMAT_PAGE_URL });
  },
  'Quarry heuristic (streaming)': async (html) =>
    convertToMarkdown(await narrowHtml(html, { mode: 'http', onlyMainContent: true }, { clean: null, dropHead: true }, ctx, 'markdown'), FORMAT_PAGE_URL, ctx),
  'mdream isolateMain': async (html) => htmlToMarkdown(html, { origin: FORMAT_PAGE_URL, isolateMain: true }),
};

/** Per page: texts the main content must keep and texts it must drop. */
export const MAIN_CONTENT_CASES = [
  { page: 'QUALITY_PAGE', html: QUALITY_PAGE, keep: ['Installing', 'Read the', '| Name', 'Deeper', 'Quoted text'], drop: ['Home', 'Related', 'Footer'] },
  { page: 'ARTICLE_PAGE', html: ARTICLE_PAGE, keep: ['Rivers rise after storm', 'By A. Writer', 'The first paragraph', 'The second paragraph', 'The last paragraph'], drop: ['World', 'cookies', 'Share', 'Most read', 'Subscribe', '© Daily'] },
  { page: 'DIV_SOUP_PAGE', html: DIV_SOUP_PAGE, keep: ['Bread', 'Mix flour', 'Bake for'], drop: ['Recipes', 'More recipes', 'Footer text'] },
];

export async function judge(candidate: MainContent): Promise<{ kept: number; dropped: number; total: number; misses: string[] }> {
  let kept = 0;
  let dropped = 0;
  let total = 0;
  const misses: string[] = [];
  for (const { page, html, keep, drop } of MAIN_CONTENT_CASES) {
    const markdown = await candidate(html);
    for (const text of keep) { total++; if (markdown.includes(text)) kept++; else misses.push(`${page}: lost "${text}"`); }
    for (const text of drop) { total++; if (!markdown.includes(text)) dropped++; else misses.push(`${page}: kept "${text}"`); }
  }
  return { kept, dropped, total, misses };
}
