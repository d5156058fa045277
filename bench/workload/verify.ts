/**
 * @module bench/workload/verify
 * Checks that a system really extracted the fields, on a sample of its stored results, against
 * what the test site's pages contain. A fast system that extracts nothing must not win.
 */
import { expectedJsPage, expectedPage } from '../../test/support/test-site-pages.ts';
import type { PageKind } from './pages.ts';

/** Every system's result, reduced to the fields of the workload. */
export interface ScrapedFields {
  title: string | null;
  extract: Record<string, unknown>;
}

/** Empty when the fields match; else what is wrong. */
export function checkFields(kind: PageKind, n: number, fields: ScrapedFields): string[] {
  const problems: string[] = [];
  const expect = (name: string, actual: unknown, wanted: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) problems.push(`page ${n} ${name}: got ${JSON.stringify(actual)?.slice(0, 80)}, want ${JSON.stringify(wanted).slice(0, 80)}`);
  };
  if (kind === 'page') {
    const page = expectedPage(n);
    expect('title', fields.title, page.title);
    expect('h1', fields.extract.h1, page.h1);
    expect('price', fields.extract.price, page.price);
    expect('links', fields.extract.links, page.links);
  } else {
    const page = expectedJsPage(n);
    expect('title', fields.title, page.title);
    expect('rendered', fields.extract.rendered, page.rendered);
    expect('price', fields.extract.price, page.price);
  }
  return problems;
}

/** Picks `count` evenly spaced items (first and last included). */
export function sampleEvenly<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!);
}
