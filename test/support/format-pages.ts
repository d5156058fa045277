/**
 * @module test/support/format-pages
 * Pages built for the output formats, each with the features one format must get right, and
 * the URL they are served from. Used by test/formats/* and bench/formats/compare-converters.ts.
 */

/** Where the pages pretend to live: relative URLs resolve against it (a directory, so `../` matters). */
export const FORMAT_PAGE_URL = 'http://127.0.0.2:8080/docs/guide/';

/** Tables, fenced code with a language, nested lists, relative links and images, page chrome, script and style. */
export const QUALITY_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Guide</title>
<meta name="description" content="A guide to &quot;Quarry&quot;"><style>.x{color:red}</style><script>var tracking = 1;</script></head><body>
<header><nav><a href="/">Home</a> | <a href="../api/">API</a></nav></header>
<main><article>
<h1>Installing <em>Quarry</em></h1>
<p>Read the <a href="../api/jobs.html#post">jobs API</a> and <a href="https://other.example/x">elsewhere</a>. Inline <code>npm start</code> and <strong>bold</strong>.</p>
<img src="img/arch.png" alt="Architecture diagram">
<h2>Options</h2>
<table><thead><tr><th>Name</th><th>Default</th><th>Description</th></tr></thead>
<tbody><tr><td><code>mode</code></td><td>http</td><td>Fetch with <b>HTTP</b> or a browser</td></tr>
<tr><td>timeoutMs</td><td>30000</td><td>Per job | pipe</td></tr></tbody></table>
<h2>Code</h2>
<pre><code class="language-ts">const job = await quarry.scrape({
  url: 'https://example.com',  // two spaces kept
});
if (a &lt; b &amp;&amp; c &gt; d) {}
</code></pre>
<ul><li>First
  <ol><li>Nested one</li><li>Nested <a href="/two">two</a></li></ol></li>
<li>Second<ul><li>Deep <ul><li>Deeper</li></ul></li></ul></li></ul>
<blockquote><p>Quoted text</p></blockquote>
</article></main>
<aside class="sidebar"><h3>Related</h3><a href="/related">Related</a></aside>
<footer>© 2026 Footer <script>var more = 2;</script></footer>
</body></html>`;

/** The markdown QUALITY_PAGE must give (GitHub-flavoured, absolute URLs, no title line, no script text). */
export const QUALITY_MARKDOWN = `[Home](http://127.0.0.2:8080/) | [API](http://127.0.0.2:8080/docs/api/)

# Installing *Quarry*

Read the [jobs API](http://127.0.0.2:8080/docs/api/jobs.html#post) and [elsewhere](https://other.example/x). Inline \`npm start\` and **bold**.

![Architecture diagram](http://127.0.0.2:8080/docs/guide/img/arch.png)

## Options

| Name | Default | Description |
| --- | --- | --- |
| \`mode\` | http | Fetch with **HTTP** or a browser |
| timeoutMs | 30000 | Per job \\| pipe |

## Code

\`\`\`ts
const job = await quarry.scrape({
  url: 'https://example.com',  // two spaces kept
});
if (a < b && c > d) {}
\`\`\`

- First
  1. Nested one
  2. Nested [two](http://127.0.0.2:8080/two)
- Second
  - Deep
    - Deeper

> Quoted text

### Related

[Related](http://127.0.0.2:8080/related) © 2026 Footer`;

/** A news-style article: the article's own header holds the h1 and byline, page chrome around it. */
export const ARTICLE_PAGE = `<!doctype html><html lang="en-GB"><head><title>Rivers rise | Daily</title>
<link rel="canonical" href="/news/rivers-rise"><meta name="robots" content="index, follow">
<meta property="og:title" content="Rivers rise"><meta property="og:image" content="/img/a.jpg"><meta property="og:image" content="/img/b.jpg"></head>
<body><header class="site"><a href="/">Daily</a><nav><a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<div class="cookie-banner">We use cookies <button>OK</button></div>
<main><article>
<header><h1>Rivers rise after storm</h1><p class="byline">By A. Writer</p></header>
<p>The first paragraph says what happened.</p>
<nav class="share"><a href="https://share.example/?u=1">Share</a></nav>
<p>The second paragraph adds <a href="/news/context">context</a>.</p>
<aside><p>Related: older flood story</p></aside>
<p>The last paragraph ends the story.</p>
<footer><p>Filed under weather</p></footer>
</article></main>
<aside id="sidebar"><h2>Most read</h2><ul><li><a href="/x">X</a></li></ul></aside>
<footer class="site"><p>© Daily 2026</p><form action="/subscribe"><input name="email"><button>Subscribe</button></form></footer>
</body></html>`;

/** No `<main>` or `<article>`: the content sits in divs between a site header and footer. */
export const DIV_SOUP_PAGE = `<!doctype html><html><head><title>Recipe</title></head><body>
<div id="top"><header><a href="/">Cook</a> <nav><a href="/recipes">Recipes</a></nav></header></div>
<div class="content"><h1>Bread</h1><p>Mix flour and water.</p><p>Bake for an hour.</p></div>
<div class="side"><aside><a href="/more">More recipes</a></aside></div>
<footer><p>Footer text</p></footer>
</body></html>`;

/** `<base href>`, protocol-relative, query-only, fragment-only, mailto and javascript: links, srcset, duplicates. */
export const LINKS_PAGE = `<!doctype html><html><head><base href="/docs/v2/"><title>Links</title></head><body>
<a href="page.html">relative to base</a>
<a href="page.html#section">same page, other fragment</a>
<a href="//cdn.example.com/lib.js">protocol-relative</a>
<a href="?q=1&amp;r=2">query only</a>
<a href="#top">fragment only</a>
<a href="mailto:team@example.com">mail</a>
<a href="javascript:alert(1)">script</a>
<a href="  https://other.example/path  ">spaces around</a>
<a href="http://[bad">not a URL</a>
<area href="/map/area" alt="area">
<a>no href</a>
<img src="pic.png" srcset="pic.png 1x, /img/pic@2x.png 2x" alt="pic">
<a href="https://other.example/path">duplicate</a>
</body></html>`;

/** What LINKS_PAGE's links resolve to (base http://127.0.0.2:8080/docs/v2/). */
export const LINKS_EXPECTED = [
  'http://127.0.0.2:8080/docs/v2/page.html',
  'http://cdn.example.com/lib.js',
  'http://127.0.0.2:8080/docs/v2/?q=1&r=2',
  'http://127.0.0.2:8080/docs/v2/',
  'https://other.example/path',
  'http://127.0.0.2:8080/map/area',
];

/** Everything the html format must remove or rewrite. */
export const DIRTY_PAGE = `<!DOCTYPE html><html><head><title>Dirty</title><base href="https://static.example/base/">
<link rel="stylesheet" href="site.css"><link rel="icon" href="favicon.ico"><style>body{}</style>
<script src="app.js"></script><noscript><img src="pixel.gif"></noscript></head>
<body onload="init()"><!-- a comment -->
<div class="card" id="c1" style="color:red" onclick="steal()" data-x='say "hi"'>
<a href="page?a=1&amp;b=2" onmouseover="x()">link</a>
<a href="javascript:alert(1)">js link</a>
<a href=" JaVaScRiPt:alert(2)">js link 2</a>
<img src="img/a.png" srcset="img/a.png 1x, img/a@2x.png 2x" alt="A &amp; B">
<form action="/post"><button formaction="/other">Go</button></form>
<iframe srcdoc="<script>bad()</script>" src="frame.html"></iframe>
<template><p>inert</p></template>
<svg><a xlink:href="javascript:alert(3)"><text>svg link</text></a></svg>
<p>Text with &lt;escaped&gt; &amp; entities &copy;</p>
</div>
<script>document.write('<p>injected</p>')</script>
</body></html>`;

/** Content only exists once the script ran (browser mode): a heading, a table, code and a relative link. */
export const JS_FORMAT_PAGE = `<!doctype html><html lang="en"><head><title>Rendered guide</title></head><body>
<main id="app"><p>Loading…</p></main>
<script>
setTimeout(function () {
  document.getElementById('app').innerHTML = '<h1>Rendered <em>by script</em></h1>'
    + '<table><thead><tr><th>Key</th><th>Value</th></tr></thead><tbody><tr><td>mode</td><td>browser</td></tr></tbody></table>'
    + '<pre><code class="language-js">console.log(1 &lt; 2);</code></pre>'
    + '<p>See <a href="../api/">the API</a>.</p><p id="rendered">Rendered.</p>';
}, 30);
</script></body></html>`;

/** A page taller than any viewport, for full-page screenshots (body 3,000 CSS px plus margins). */
export const TALL_PAGE = `<!doctype html><html><head><title>Tall</title><style>body{margin:0}div{height:3000px;background:linear-gradient(#fff,#036)}</style></head>
<body><div id="rendered">tall</div></body></html>`;

/** QUALITY_PAGE's article 80 times over (~160 KB): a long documentation page. */
export const LONG_PAGE = QUALITY_PAGE.replace(/<main>([\s\S]*)<\/main>/, (_, article: string) => `<main>${article.repeat(80)}</main>`);

/** The pages the test site serves at `/docs/guide/?page=<name>` (so relative URLs resolve as in FORMAT_PAGE_URL). */
export const FORMAT_SITE_PAGES: Record<string, string> = {
  quality: QUALITY_PAGE,
  article: ARTICLE_PAGE,
  divsoup: DIV_SOUP_PAGE,
  links: LINKS_PAGE,
  dirty: DIRTY_PAGE,
  js: JS_FORMAT_PAGE,
  tall: TALL_PAGE,
  long: LONG_PAGE,
};
