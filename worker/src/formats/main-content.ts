/**
 * @module worker/formats/main-content
 * `onlyMainContent` as selectors: a tag-and-role heuristic, chosen over @mozilla/readability by
 * measurement (docs/formats.md): it keeps the article's own header and first paragraph, which
 * Readability dropped on the test pages, and costs one streaming pass instead of a DOM.
 *
 * The page's main container, when it marks one (`<main>`, `role="main"`, else `<article>`), is
 * all that is kept; page chrome (navigation, sidebars, forms, dialogs, cookie banners) is dropped
 * wherever it is. Without a container, the page's header and footer are chrome too; inside one
 * they usually hold the article's title and byline, so they stay.
 */

/** Tried in order; the first that matches an element of the page is kept. */
export const MAIN_CONTAINERS = ['main, [role=main]', 'article'] as const;

/** Dropped everywhere. */
export const BOILERPLATE = [
  'nav', 'aside', 'form', 'dialog', 'menu', 'button', 'select', 'input', 'textarea', 'iframe', 'object', 'embed',
  '[role=navigation]', '[role=complementary]', '[role=search]', '[role=dialog]', '[role=alertdialog]', '[role=menu]', '[role=menubar]',
  '[aria-hidden=true]', '[hidden]',
  '.sidebar', '#sidebar', '.breadcrumb', '.breadcrumbs', '.cookie-banner', '#cookie-banner', '.cookie-consent', '.share', '.social-share', '.advert', '.ad-slot', '.skip-link',
].join(', ');

/** Dropped only when the page marks no main container. */
export const PAGE_CHROME = 'header, footer, [role=banner], [role=contentinfo]';

/** Cheap pre-checks of which container to try first (a false hit only costs one more pass). */
export function likelyContainers(html: string): string[] {
  const hasMain = /<main[\s>]/i.test(html) || /\srole\s*=\s*["']?main["'\s>]/i.test(html);
  const hasArticle = /<article[\s>]/i.test(html);
  return MAIN_CONTAINERS.filter((selector) => (selector === 'article' ? hasArticle : hasMain));
}
