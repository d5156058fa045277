/**
 * `html`: cleaned (no scripts, styles, comments, event handlers, `javascript:` URLs), absolute
 * URLs, narrowed like markdown; without cleaning, the rewriter reproduces the document's tree.
 */
import fc from 'fast-check';
import { load } from 'cheerio/slim';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT_LIMITS } from '../../worker/src/formats/index.ts';
import { rewriteHtml } from '../../worker/src/formats/html-rewriter.ts';
import { ARTICLE_PAGE, DIRTY_PAGE, QUALITY_PAGE } from '../support/format-pages.ts';
import { pageOf, run } from './format-harness.ts';

describe('html', () => {
  it('removes scripts, styles, comments, event handlers and script URLs, and makes URLs absolute', async () => {
    const { html } = await run(pageOf(DIRTY_PAGE), ['html']);
    expect(html).not.toMatch(/<script|<style|<noscript|<template|<base|stylesheet|<!--|\sonclick|\sonload|\sonmouseover|\sstyle=|javascript:|srcdoc|injected|inert/i);
    expect(html).toMatch(/^<!DOCTYPE html><html><head><title>Dirty<\/title>/);
    expect(html).toContain('<link rel="icon" href="https://static.example/base/favicon.ico">');
    expect(html).toContain('<a href="https://static.example/base/page?a=1&amp;b=2">link</a>');
    expect(html).toContain('<a>js link</a>');
    expect(html).toContain('<a>js link 2</a>');
    expect(html).toContain('<img src="https://static.example/base/img/a.png" srcset="https://static.example/base/img/a.png 1x, https://static.example/base/img/a@2x.png 2x" alt="A &amp; B">');
    expect(html).toContain('<form action="https://static.example/post"><button formaction="https://static.example/other">Go</button></form>');
    expect(html).toContain('<iframe src="https://static.example/base/frame.html"></iframe>');
    expect(html).toContain('<div class="card" id="c1" data-x=\'say "hi"\'>');
    expect(html).toContain('<p>Text with &lt;escaped&gt; &amp; entities &copy;</p>');
    // What a browser would see as text is unchanged.
    expect(load(html!)('p').text()).toBe('Text with <escaped> & entities ©');
  });

  it('onlyMainContent keeps the main container and drops the chrome inside it', async () => {
    const { html } = await run(pageOf(ARTICLE_PAGE), ['html'], { onlyMainContent: true });
    expect(html).toMatch(/^<main><article>\n<header><h1>Rivers rise after storm<\/h1><p class="byline">By A. Writer<\/p><\/header>/);
    expect(html).not.toMatch(/Most read|cookies|Share|older flood|Subscribe|<nav|<aside/);
    expect(html).toContain('<a href="http://127.0.0.2:8080/news/context">context</a>');
  });

  it('includeTags with a child combinator keeps only the matching elements', async () => {
    const { html } = await run(pageOf(ARTICLE_PAGE), ['html'], { includeTags: ['article > p'] });
    expect(html).toBe('<p>The first paragraph says what happened.</p>\n<p>The second paragraph adds <a href="http://127.0.0.2:8080/news/context">context</a>.</p>\n<p>The last paragraph ends the story.</p>\n');
  });

  it('writes implied end tags out, so the cleaned page parses to the same elements', async () => {
    const { html } = await run(pageOf('<ul><li>one<li>two</ul><p>a<p>b<table><tr><td>c</table>'), ['html']);
    expect(html).toBe('<ul><li>one</li><li>two</li></ul><p>a</p><p>b</p><table><tr><td>c</td></tr></table>');
  });

  it('reproduces any document tree when neither narrowing nor cleaning (property)', async () => {
    const tag = fc.constantFrom('div', 'p', 'li', 'ul', 'span', 'b', 'td', 'tr', 'table', 'br', 'img', 'a', 'h1', 'option', 'select');
    const node: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('text', 'a &amp; b', '&lt;x&gt;', ' ', '<!-- c -->', "<b title='q\"'>q</b>", '<i class="x y" data-a=1>i</i>', '</p>', '</span>'),
        fc.tuple(tag, fc.array(tie('node'), { maxLength: 4 }), fc.boolean()).map(([name, children, close]) => `<${name}>${children.join('')}${close ? `</${name}>` : ''}`),
      ),
    })).node;
    await fc.assert(fc.asyncProperty(fc.array(node, { maxLength: 6 }).map((parts) => parts.join('')), async (html) => {
      const { html: rewritten } = await rewriteHtml(html, { include: null, exclude: null, clean: null, dropHead: false }, { limits: DEFAULT_FORMAT_LIMITS }, 'html');
      expect(load(rewritten).html()).toBe(load(html).html());
    }), { numRuns: 300 });
  });

  it('cleans QUALITY_PAGE without touching its content', async () => {
    const { html } = await run(pageOf(QUALITY_PAGE), ['html']);
    const $ = load(html!);
    expect($('table tr').length).toBe(3);
    expect($('pre code.language-ts').text()).toContain("if (a < b && c > d) {}");
    expect($('img').attr('src')).toBe('http://127.0.0.2:8080/docs/guide/img/arch.png');
    expect(html).not.toMatch(/tracking|more = 2|color:red/);
  });
});
