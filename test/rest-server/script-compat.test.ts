import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createScriptCompat } from '../../dev/rest-server/script-compat.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('script compat for Redis 7.0', () => {
  it('drops allow-key-locking and maps EVALSHA to the adapted script', () => {
    const compat = createScriptCompat();
    const original = '#!lua flags=allow-key-locking,no-writes\nreturn 1';
    const loaded = compat.adapt(['SCRIPT', 'LOAD', original]);
    expect(loaded[2]).toBe('#!lua flags=no-writes\nreturn 1');
    expect(compat.adapt(['EVALSHA', sha1(original), '0'])).toEqual(['EVALSHA', sha1(loaded[2]!), '0']);
  });

  it('leaves other scripts and commands alone', () => {
    const compat = createScriptCompat();
    expect(compat.adapt(['EVAL', 'return 1', '0'])).toEqual(['EVAL', 'return 1', '0']);
    expect(compat.adapt(['EVALSHA', 'abc', '0'])).toEqual(['EVALSHA', 'abc', '0']);
    expect(compat.adapt(['GET', 'k'])).toEqual(['GET', 'k']);
  });
});
