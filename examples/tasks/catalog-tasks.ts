/**
 * @module examples/tasks/catalog-tasks
 * A worked example of Quarry tasks: `catalog` pages through a paginated product listing
 * (following `rel=next`), fans out one `product` task per product link, waits for them and
 * gathers their results; `product` fetches one detail page and extracts its fields. Every
 * request goes through ctx.fetch, so the site's per-domain limits and robots.txt hold for the
 * whole fleet, and `product` runs at most 20 times a second fleet-wide on top of that.
 *
 *   QUARRY_TASKS=./examples/tasks/index.ts   (the default of `npm start`)
 *   POST /v1/jobs {"task": "catalog", "input": {"url": "http://127.0.0.2:8090/catalog?page=1"}}
 */
import { z } from 'zod';
import { defineTask, NonRetryableError } from 'quarry/tasks';

export const catalog = defineTask({
  name: 'catalog',
  input: z.object({
    /** The listing's first page. */
    url: z.url({ protocol: /^https?$/ }),
    /** Pages followed at most. */
    maxPages: z.int().min(1).max(50).default(10),
  }),
  timeoutMs: 60_000,
  async handler(ctx, input) {
    const products: string[] = [];
    let next: string | null = input.url;
    let pages = 0;
    while (next !== null && pages < input.maxPages) {
      const page = await ctx.fetch(next);
      pages += 1;
      const found = await ctx.extract(page.text(), {
        'products[]': { selector: 'a.product', attr: 'href' },
        next: { selector: 'a[rel="next"]', attr: 'href' },
      });
      for (const href of found.products as string[]) products.push(new URL(href, page.finalUrl).href);
      next = typeof found.next === 'string' ? new URL(found.next, page.finalUrl).href : null;
      await ctx.progress({ pages, products: products.length });
    }
    if (products.length === 0) throw new NonRetryableError(`no product links on ${input.url}`);
    // Keyed by URL: the handler runs again from the top once the children are done, and the
    // same keys name the same children, so none is added twice.
    await ctx.enqueue(products.map((url) => ({ task: 'product', input: { url }, key: url })), { wait: true });
    const outcomes = await ctx.children();
    return {
      pages,
      products: outcomes.flatMap((child) => (child.status === 'completed' ? [child.value] : [])),
      failed: outcomes.flatMap((child) => (child.status === 'failed' ? [{ id: child.id, error: child.error }] : [])),
    };
  },
});

export const product = defineTask({
  name: 'product',
  input: z.object({ url: z.url({ protocol: /^https?$/ }) }),
  rateLimit: { max: 20, perMs: 1_000 },
  timeoutMs: 30_000,
  async handler(ctx, input) {
    const page = await ctx.fetch(input.url);
    const fields = await ctx.extract(page.text(), { name: 'h1', price: '.price', sku: { selector: '[data-sku]', attr: 'data-sku' } });
    return { url: page.finalUrl, ...fields };
  },
});
