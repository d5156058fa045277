import { describe, expect, it } from 'vitest';
import { assertClusterSafePrefix, queueKeys, resultKey } from '../../shared/keys.ts';

describe('shared/keys', () => {
  it('builds BullMQ key names under one hash tag', () => {
    const keys = queueKeys('{quarry}');
    expect(keys.key('wait')).toBe('{quarry}:scrape:wait');
    expect(keys.job('abc')).toBe('{quarry}:scrape:abc');
    expect(resultKey('{quarry}', 'abc')).toBe('{quarry}:result:abc');
  });

  it('refuses a prefix without a hash tag', () => {
    expect(() => assertClusterSafePrefix('quarry')).toThrow(/hash tag/);
    expect(assertClusterSafePrefix('{quarry-test-1}')).toBe('{quarry-test-1}');
  });
});
