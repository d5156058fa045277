import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../shared/canonical-url.ts';

describe('canonicalUrl', () => {
  it.each([
    ['HTTP://Example.COM:80/a?b=2&a=1#frag', 'http://example.com/a?a=1&b=2'],
    ['https://example.com:443/', 'https://example.com/'],
    ['https://example.com:8443/x', 'https://example.com:8443/x'],
    ['https://example.com/a/./b/../c', 'https://example.com/a/c'],
    ['https://example.com/?', 'https://example.com/'],
    ['https://example.com/?a=2&a=1', 'https://example.com/?a=1&a=2'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('drops configured tracking parameters, with prefix patterns', () => {
    expect(canonicalUrl('https://e.com/p?utm_source=x&id=7&fbclid=1', { dropParams: ['utm_*', 'fbclid'] })).toBe('https://e.com/p?id=7');
  });

  it('can keep the query order', () => {
    expect(canonicalUrl('https://e.com/p?b=1&a=2', { sortQuery: false })).toBe('https://e.com/p?b=1&a=2');
  });
});
