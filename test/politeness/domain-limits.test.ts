import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeRates, domainLimitsFromHash, domainLimitsSchema, domainLimitsToHash, encodeRates, sustainedRatePerSecond,
} from '../../shared/domain-limits.ts';
import { loadScript, loadScripts, parseScriptFileName } from '../../shared/scripts/load-scripts.ts';

describe('domainLimitsSchema', () => {
  it('accepts several windows and a concurrency cap', () => {
    const body = { rates: [{ max: 5, perMs: 1000 }, { max: 100, perMs: 60_000 }, { max: 10_000, perMs: 86_400_000 }], concurrency: 2 };
    expect(domainLimitsSchema.parse(body)).toEqual(body);
    expect(domainLimitsSchema.parse({ concurrency: 1 })).toEqual({ concurrency: 1 });
  });

  it('rejects empty bodies, unknown fields and out-of-range numbers', () => {
    for (const body of [{}, { rates: [] }, { concurrency: 0 }, { rates: [{ max: 0, perMs: 1000 }] },
      { rates: [{ max: 1.5, perMs: 1000 }] }, { rates: [{ max: 1, perMs: 8 * 86_400_000 }] }, { concurrency: 2, burst: 3 }]) {
      expect(domainLimitsSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('round-trips through the Redis hash encoding', () => {
    const limits = { rates: [{ max: 5, perMs: 1000 }, { max: 100, perMs: 60_000 }], concurrency: 3 };
    const hash = domainLimitsToHash(limits, 1);
    expect(hash).toEqual({ updatedAt: '1', rates: '5/1000,100/60000', concurrency: '3' });
    expect(domainLimitsFromHash(hash)).toEqual(limits);
    expect(domainLimitsFromHash({})).toBeUndefined();
    expect(decodeRates(encodeRates(limits.rates))).toEqual(limits.rates);
    expect(sustainedRatePerSecond(limits.rates)).toBeCloseTo(5 / 3, 5);
  });
});

describe('load-scripts', () => {
  it('names scripts BullMQ-style and inlines includes', () => {
    expect(parseScriptFileName('domain-acquire-4.lua')).toEqual({ name: 'domain-acquire', numberOfKeys: 4 });
    expect(parseScriptFileName('load-scripts.ts')).toBeUndefined();
    const acquire = loadScript('domain-acquire');
    expect(acquire.numberOfKeys).toBe(4);
    expect(acquire.content).toContain('local function effectiveLimits');
    expect(acquire.content).not.toContain('@include');
    expect(acquire.sha).toMatch(/^[0-9a-f]{40}$/);
    // Every <name>-<numKeys>.lua file is loaded under its name (other capabilities add scripts too).
    const files = readdirSync(new URL('../../shared/scripts/', import.meta.url)).filter((file) => file.endsWith('.lua'));
    expect([...loadScripts().keys()].sort()).toEqual(files.map((file) => parseScriptFileName(file)!.name).sort());
    expect([...loadScripts().keys()]).toEqual(expect.arrayContaining(['domain-acquire', 'domain-cooldown', 'domain-release', 'domain-usage']));
  });
});
