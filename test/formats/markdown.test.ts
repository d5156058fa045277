/**
 * `markdown`: GitHub-flavoured, absolute links and images, narrowed by the main-content rule and
 * the tag filters; the sliced (streaming) path gives the same text as the one-call path.
 */
import { describe, expect, it } from 'vitest';
import { ARTICLE_PAGE, DIV_SOUP_PAGE, LINKS_PAGE, QUALITY_MARKDOWN, QUALITY_PAGE } from '../support/format-pages.ts';
import { pageOf, run } from './format-harness.ts';

describe('markdown', () => {
  it('renders tables, fenced code with its language, nested lists, absolute links and images', async () => {
    expect((await run(pageOf(QUALITY_PAGE), ['markdown'])).markdown).toBe(QUALITY_MARKDOWN);
  });

  it('resolves against <base href> (itself relative to the final URL) and the final URL after redirects', async () => {
    const { markdown } = await run(pageOf(LINKS_PAGE), ['markdown']);
    expect(markdown).toContain('[relative to base](http://127.0.0.2:8080/docs/v2/page.html)');
    expect(markdown).toContain('[query only](http://127.0.0.2:8080/docs/v2/?q=1&r=2)');
    expect(markdown).toContain('![pic](http://127.0.0.2:8080/docs/v2/pic.png)');
    const redirected = await run(pageOf('<p><a href="next">n</a></p>', { finalUrl: 'https://moved.example/a/b' }), ['markdown']);
    expect(redirected.markdown).toBe('[n](https://moved.example/a/next)');
  });

  it('gives the same markdown when the page is converted in slices (the path of big pages)', async () => {
    for (const html of [QUALITY_PAGE, ARTICLE_PAGE, LINKS_PAGE]) {
      const whole = await run(pageOf(html), ['markdown']);
      const sliced = await run(pageOf(html), ['markdown'], {}, { oneCallChars: 0, sliceChars: 97, turnBudgetMs: 0 });
      expect(sliced.markdown).toBe(whole.markdown);
    }
    const narrowed = await run(pageOf(ARTICLE_PAGE), ['markdown'], { onlyMainContent: true }, { oneCallChars: 0, sliceChars: 61, turnBudgetMs: 0 });
    expect(narrowed.markdown).toBe((await run(pageOf(ARTICLE_PAGE), ['markdown'], { onlyMainContent: true })).markdown);
  });

  it('onlyMainContent keeps the article with its own header and drops the page chrome', async () => {
    expect((await run(pageOf(ARTICLE_PAGE), ['markdown'], { onlyMainContent: true })).markdown).toBe(
      '# Rivers rise after storm\n\nBy A. Writer\n\nThe first paragraph says what happened.\n\n'
      + 'The second paragraph adds [context](http://127.0.0.2:8080/news/context).\n\nThe last paragraph ends the story.\n\nFiled under weather',
    );
  });

  it('onlyMainContent without <main> or <article> drops header, nav, aside and footer', async () => {
    expect((await run(pageOf(DIV_SOUP_PAGE), ['markdown'], { onlyMainContent: true })).markdown).toBe('# Bread\n\nMix flour and water.\n\nBake for an hour.');
  });

  it('falls back to the next rule when the <main> the pre-check saw was only text in a script', async () => {
    const html = '<body><script>var s = "<main>";</script><header>Site</header><div><p>Body text</p></div><footer>Foot</footer></body>';
    expect((await run(pageOf(html), ['markdown'], { onlyMainContent: true })).markdown).toBe('Body text');
  });

  it('includeTags keeps only what they match; excludeTags drops it; both apply together', async () => {
    expect((await run(pageOf(QUALITY_PAGE), ['markdown'], { includeTags: ['table'] })).markdown).toBe(
      '| Name | Default | Description |\n| --- | --- | --- |\n| `mode` | http | Fetch with **HTTP** or a browser |\n| timeoutMs | 30000 | Per job \\| pipe |',
    );
    const excluded = (await run(pageOf(QUALITY_PAGE), ['markdown'], { excludeTags: ['table', 'pre', 'header', 'aside', 'footer'] })).markdown!;
    expect(excluded).not.toMatch(/\| Name|```|Home|Related|Footer/);
    expect(excluded).toContain('## Options');
    // An exclusion wins inside an included element.
    expect((await run(pageOf(ARTICLE_PAGE), ['markdown'], { includeTags: ['article'], excludeTags: ['p', 'header', 'nav', 'aside', 'footer'] })).markdown).toBe('');
    expect((await run(pageOf(ARTICLE_PAGE), ['markdown'], { includeTags: ['article > p'] })).markdown).toBe(
      'The first paragraph says what happened.\n\nThe second paragraph adds [context](http://127.0.0.2:8080/news/context).\n\nThe last paragraph ends the story.',
    );
  });

  it('is empty for a page that is not HTML', async () => {
    expect(await run(pageOf(null, { contentType: 'application/pdf' }), ['markdown'])).toEqual({ markdown: '' });
  });
});
