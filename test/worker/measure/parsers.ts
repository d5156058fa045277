/**
 * @module test/worker/measure/parsers
 * Measures candidate HTML parsers on a ~20 KB test page (load + title + the rules the suites use).
 * Run: `node test/worker/measure/parsers.ts`.
 */
import * as cheerio from 'cheerio';
import * as cheerioSlim from 'cheerio/slim';
import { parseDocument } from 'htmlparser2';
import { selectAll, selectOne } from 'css-select';
import { textContent, getAttributeValue } from 'domutils';
import type { Element } from 'domhandler';
import { renderPage } from '../../support/test-site-pages.ts';
import { streamExtract } from '../../../worker/src/extract/streaming-extract.ts';
import type { NormalizedExtractRule } from '../../../shared/job-schema.ts';

type Extractor = (html: string) => unknown;

const clean = (text: string) => text.replace(/\s+/g, ' ').trim();

function viaCheerio(load: typeof cheerio.load): Extractor {
  return (html) => {
    const $ = load(html);
    return {
      title: clean($('title').first().text()),
      h1: clean($('h1').first().text()),
      price: clean($('.price').first().text()),
      links: $('ul.links a').map((_, el) => $(el).attr('href')).get(),
    };
  };
}

const rawHtmlparser2: Extractor = (html) => {
  const doc = parseDocument(html);
  const text = (sel: string) => {
    const el = selectOne(sel, doc);
    return el ? clean(textContent(el)) : null;
  };
  return {
    title: text('title'),
    h1: text('h1'),
    price: text('.price'),
    links: selectAll('ul.links a', doc).map((el) => getAttributeValue(el as unknown as Element, 'href')),
  };
};

const STREAM_RULES: NormalizedExtractRule[] = [
  { name: 'h1', selector: 'h1', all: false }, { name: 'price', selector: '.price', all: false },
  { name: 'links', selector: 'ul.links a', all: true, attr: 'href' },
];
const streaming: Extractor = (html) => {
  const { title, extract } = streamExtract(html, STREAM_RULES)!;
  return { title, ...extract };
};

const candidates: Record<string, Extractor> = {
  'cheerio (parse5)': viaCheerio(cheerio.load),
  'cheerio/slim (htmlparser2)': viaCheerio(cheerioSlim.load as typeof cheerio.load),
  'htmlparser2 + css-select (no cheerio)': rawHtmlparser2,
  'htmlparser2 streaming, no DOM (worker fast path)': streaming,
};

const pages = Array.from({ length: 50 }, (_, i) => renderPage(i + 1));
console.log(`page size: ${Buffer.byteLength(pages[0]!)} bytes`);
const reference = JSON.stringify(candidates['cheerio (parse5)']!(pages[0]!));
for (const [name, run] of Object.entries(candidates)) {
  const same = JSON.stringify(run(pages[0]!)) === reference;
  for (let i = 0; i < 200; i++) run(pages[i % pages.length]!); // warm up the JIT
  const iterations = 2000;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run(pages[i % pages.length]!);
  const perPage = (performance.now() - start) / iterations;
  console.log(`${name.padEnd(40)} ${perPage.toFixed(3)} ms/page  ${(1000 / perPage).toFixed(0)} pages/s  same output as parse5: ${same}`);
}

// Where the parsers differ: malformed markup that the HTML spec's tree builder repairs.
const tricky = [
  '<p>one<p>two',
  '<table><tr><td>cell</td></tr><b>bold</b></table>',
  '<title>a &amp; b</title><h1>x&nbsp;y</h1>',
  '<div><p>open <div class="price">9</div></p></div>',
];
for (const html of tricky) {
  const parse5 = cheerio.load(html);
  const slim = cheerioSlim.load(html);
  console.log(JSON.stringify(html), '\n  parse5:', parse5('body').html(), '\n  htmlparser2:', slim('body').html() ?? slim.root().html());
}
