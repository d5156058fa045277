/**
 * @module test/worker/config
 * Configuration from the environment: defaults, derived defaults, errors naming the variable, docs table.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_TABLE } from '../../worker/src/config-table.ts';
import { ConfigError, loadConfig, renderConfigTable } from '../../worker/src/config.ts';

const errorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('reads per-tenant callback secrets and never quotes them in an error', () => {
    expect(loadConfig({ QUARRY_CALLBACK_SECRETS: '{"tenant-a":"new, old"}' }).callbackSecrets).toEqual({ 'tenant-a': ['new', 'old'] });
    expect(loadConfig({}).callbackSecrets).toEqual({});
    for (const bad of ['{"tenant-a":"s3cr3t-value"', '{"Tenant A":"s3cr3t-value"}', '{"tenant-a":" , "}', '["s3cr3t-value"]']) {
      const error = errorOf({ QUARRY_CALLBACK_SECRETS: bad });
      expect(error.variable).toBe('QUARRY_CALLBACK_SECRETS');
      expect(error.message).not.toContain('s3cr3t');
    }
  });

  it('applies defaults; RESULT_REDIS_URL follows REDIS_URL; empty counts as unset', () => {
    const config = loadConfig({ REDIS_URL: 'redis://10.0.0.1:6380', QUARRY_CONCURRENCY: '' });
    expect(config).toMatchObject({
      redisUrl: 'redis://10.0.0.1:6380', resultRedisUrl: 'redis://10.0.0.1:6380', prefix: '{quarry}', concurrency: 10,
      maxRedirects: 5, resultTtlSeconds: 604_800, logLevel: 'info',
    });
    expect(loadConfig({ RESULT_REDIS_URL: 'rediss://results:6379' }).resultRedisUrl).toBe('rediss://results:6379');
  });

  it('parses numbers and keeps them in range', () => {
    expect(loadConfig({ QUARRY_CONCURRENCY: '25', QUARRY_HEALTH_PORT: '0' })).toMatchObject({ concurrency: 25, healthPort: 0 });
  });

  it.each([
    [{ QUARRY_CONCURRENCY: 'ten' }, 'QUARRY_CONCURRENCY', /whole number/],
    [{ QUARRY_CONCURRENCY: '0' }, 'QUARRY_CONCURRENCY', /between 1 and 1000/],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL', /redis:\/\//],
    [{ QUARRY_PREFIX: 'quarry' }, 'QUARRY_PREFIX', /hash tag/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chrome' }, 'PUPPETEER_EXECUTABLE_PATH', /no such file/],
  ])('%o → ConfigError naming %s', (env, variable, problem) => {
    const error = errorOf(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.issues[0]!.problem).toMatch(problem);
  });

  it('reports every invalid variable at once', () => {
    expect(errorOf({ QUARRY_CONCURRENCY: 'x', QUARRY_MAX_REDIRECTS: '-1' }).issues.map((issue) => issue.variable))
      .toEqual(['QUARRY_CONCURRENCY', 'QUARRY_MAX_REDIRECTS']);
  });
});

describe('renderConfigTable', () => {
  it('has a row per field with variable, default and description', () => {
    const lines = renderConfigTable().trim().split('\n');
    expect(lines[0]).toBe('| Variable | Default | Description |');
    expect(lines).toHaveLength(2 + Object.keys(CONFIG_TABLE).length);
    expect(lines).toContain('| `QUARRY_CONCURRENCY` | `10` | Jobs processed at once by one worker process. |');
    expect(lines.find((line) => line.startsWith('| `RESULT_REDIS_URL`'))).toContain('| `REDIS_URL` |');
  });
});
