/**
 * @module test/support/test-site-pages
 * Deterministic HTML bodies of the local test site, and what a scraper should find in them.
 */

/** What `/page/:n` contains, so suites can assert extraction without re-parsing. */
export interface ExpectedPage {
  title: string;
  h1: string;
  price: string;
  /** `href` of every `<a>` in the link list, in document order. */
  links: string[];
}

/** Links per page: enough for `links[]` rules, few enough to stay readable. */
const LINKS_PER_PAGE = 20;
/** Filler paragraphs bring a page to ~20 KB, the size FINDINGS measured parsers on. */
const FILLER_PARAGRAPHS = 90;
const LOREM =
  'Quarry test filler text: lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor ' +
  'incididunt ut labore et dolore magna aliqua, ut enim ad minim veniam.';

/** A price that differs per page but needs no randomness: `12.34`-style, two decimals. */
function priceOf(n: number): string {
  const cents = (n * 3719) % 100_000;
  return `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function expectedPage(n: number): ExpectedPage {
  const links = Array.from({ length: LINKS_PER_PAGE }, (_, i) => `/page/${n * LINKS_PER_PAGE + i + 1}`);
  return { title: `Test page ${n}`, h1: `Product ${n}`, price: priceOf(n), links };
}

export function renderPage(n: number): string {
  const page = expectedPage(n);
  const links = page.links.map((href, i) => `<li><a class="link" href="${href}">Link ${i + 1} of page ${n}</a></li>`).join('\n');
  const filler = Array.from(
    { length: FILLER_PARAGRAPHS },
    (_, i) => `<p class="filler" data-i="${i}">${LOREM} Paragraph ${i} of page ${n}.</p>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${page.title}</title></head>
<body>
<header><nav><a href="/">Home</a></nav></header>
<main>
<h1>${page.h1}</h1>
<p class="price">${page.price}</p>
<ul class="links">
${links}
</ul>
${filler}
</main>
</body></html>
`;
}

/** What `/js/:n` shows after its script ran; none of it is in the served HTML. */
export interface ExpectedJsPage {
  title: string;
  rendered: string;
  price: string;
}

export function expectedJsPage(n: number): ExpectedJsPage {
  return { title: `Script page ${n}`, rendered: `Rendered ${n}`, price: priceOf(n) };
}

/**
 * The content is inserted by a timer so it exists neither in the HTML nor at DOMContentLoaded:
 * only a real browser that waits (or `waitFor`) sees it. The image, stylesheet, font and video
 * let suites check that the renderer aborts those requests (they show up in the site log if not).
 */
export function renderJsPage(n: number, delayMs = 30): string {
  const page = expectedJsPage(n);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${page.title}</title>
<link rel="stylesheet" href="/style.css">
<style>@font-face { font-family: q; src: url(/font.woff2); } body { font-family: q; }</style>
</head>
<body>
<div id="app"><p class="placeholder">Loading…</p></div>
<img src="/image.png" alt="">
<video src="/media.mp4" autoplay muted></video>
<script>
setTimeout(function () {
  document.getElementById('app').innerHTML =
    '<h1 id="rendered">${page.rendered}</h1><p class="price">${page.price}</p>';
}, ${delayMs});
</script>
</body></html>
`;
}

export function renderStatusPage(code: number): string {
  return `<!doctype html><html><head><title>Status ${code}</title></head><body><h1>Status ${code}</h1></body></html>\n`;
}

/** A 1×1 transparent PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export const DEFAULT_ROBOTS = 'User-agent: *\nAllow: /\n';
