import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../../scripts/render-readme-config.ts';

describe('README configuration table', () => {
  it('lists every worker variable with its default (run scripts/render-readme-config.ts after editing the table)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(renderReadme(readme)).toBe(readme);
    expect(readme).toContain('`QUARRY_DOMAIN_RATES`');
  });
});
