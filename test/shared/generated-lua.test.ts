import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderGeneratedScripts } from '../../scripts/generate-lua.ts';

describe('shared/scripts/generated.ts', () => {
  it('matches the .lua sources (run `npm run generate:lua` after editing a script)', () => {
    expect(readFileSync(new URL('../../shared/scripts/generated.ts', import.meta.url), 'utf8')).toBe(renderGeneratedScripts());
  });
});
