/**
 * @module bench/peers/extract-page
 * The workload's fields extracted by hand with cheerio/slim (htmlparser2, the parser Quarry's
 * worker uses), for the Node peers: the same output shape as Quarry's result, so the same check
 * applies, without Quarry's rule engine in between.
 */
import { load } from 'cheerio/slim';

const clean = (text: string) => text.replace(/\s+/g, ' ').trim();

export interface PeerResult {
  title: string | null;
  extract: Record<string, string | string[] | null>;
}

/** `/page/:n`: title, h1, price, every `a.link` href. */
export function extractPage($: ReturnType<typeof load>): PeerResult {
  const first = (selector: string) => {
    const found = $(selector).first();
    return found.length === 0 ? null : clean(found.text());
  };
  return {
    title: first('title'),
    extract: {
      h1: first('h1'),
      price: first('.price'),
      links: $('a.link').toArray().map((element) => $(element).attr('href')).filter((href): href is string => href !== undefined),
    },
  };
}

/** `/js/:n` after rendering: title, #rendered, price. */
export function extractJsPage($: ReturnType<typeof load>): PeerResult {
  const first = (selector: string) => {
    const found = $(selector).first();
    return found.length === 0 ? null : clean(found.text());
  };
  return { title: first('title'), extract: { rendered: first('#rendered'), price: first('.price') } };
}

export function parseAndExtract(html: string): PeerResult {
  return extractPage(load(html));
}
