/**
 * @module test/infra/compose
 * infra/compose.yaml: the services of the local stack, Redis roles (durable broker, evictable
 * results), required token, wiring by service name, graceful worker stops, health-gated start-up.
 */
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../worker/src/config.ts';
import { dashboardSettings } from '../../worker/src/dashboard/dashboard-settings.ts';
import { loadBuildLayout, sourceOf } from './build-layout.ts';
import { commandOf, environment, healthcheckText, hostOf, option, readCompose } from './compose-file.ts';
import { envOf, parseDockerfile } from './dockerfile.ts';
import { workerDefault, WORKER_ENV } from './known-env.ts';
import { readRepoFile, repoHas, ROOT } from './repo.ts';
import { durationMs } from './units.ts';

const FILE = 'infra/compose.yaml';
const compose = readCompose(FILE);
const services = compose.services;
const field = (service: string, path: string) => `${FILE}: services.${service}.${path}`;

/** Repo-relative path of a compose path (relative to infra/). */
const fromCompose = (path: string): string => relative(ROOT, join(ROOT, dirname(FILE), path));

const EXPECTED = ['redis', 'redis-results', 'rest', 'rest-results', 'edge', 'worker', 'dashboard'];

describe(FILE, () => {
  it.each(EXPECTED)('defines the %s service', (name) => {
    expect(services[name], field(name, '(missing)')).toBeDefined();
  });

  it('runs the broker Redis durable (AOF, fsync every second) and never evicting, on a volume', () => {
    const words = commandOf(services.redis!.command);
    expect(option(words, '--appendonly'), field('redis', 'command --appendonly')).toBe('yes');
    expect(option(words, '--appendfsync'), field('redis', 'command --appendfsync')).toBe('everysec');
    expect(option(words, '--maxmemory-policy'), field('redis', 'command --maxmemory-policy')).toBe('noeviction');
    const dataVolume = (services.redis!.volumes ?? []).map(String).find((v: string) => v.endsWith(':/data'));
    expect(dataVolume, field('redis', 'volumes (…:/data)')).toBeDefined();
    expect(Object.keys(compose.volumes ?? {}), `${FILE}: volumes`).toContain(dataVolume!.split(':')[0]);
  });

  it('runs the result Redis with a memory cap and LRU eviction', () => {
    const words = commandOf(services['redis-results']!.command);
    expect(option(words, '--maxmemory-policy'), field('redis-results', 'command --maxmemory-policy')).toBe('allkeys-lru');
    expect(option(words, '--maxmemory'), field('redis-results', 'command --maxmemory')).toMatch(/^\d+(mb|gb|kb)?$/i);
  });

  it.each([['rest', 'redis'], ['rest-results', 'redis-results']])('puts %s in front of %s with a required token', (name, redis) => {
    const env = environment(services[name]!);
    expect(hostOf(env.REDIS_URL!).host, field(name, 'environment.REDIS_URL host')).toBe(redis);
    expect(env.UPSTASH_REDIS_REST_TOKEN, field(name, 'environment.UPSTASH_REDIS_REST_TOKEN (must be ${VAR:?message})'))
      .toMatch(/^\$\{[A-Z_]+:\?[^}]+\}$/);
  });

  it('builds every image from the repo root with a Dockerfile that exists', () => {
    for (const [name, service] of Object.entries(services).filter(([, s]) => s.build)) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      expect(fromCompose(build.context), field(name, 'build.context (repo root)')).toBe('');
      expect(repoHas(build.dockerfile ?? 'Dockerfile'), field(name, `build.dockerfile ${build.dockerfile}`)).toBe(true);
    }
  });

  it('wires the edge to both REST servers by service name and port, with .dev.vars secrets', () => {
    const edge = services.edge!;
    expect((edge.env_file ?? []).map(fromCompose), field('edge', 'env_file')).toContain('.dev.vars');
    const env = environment(edge);
    const restPort = envOf(parseDockerfile(readRepoFile(services.rest!.build.dockerfile)).stages.at(-1)!).PORT;
    expect(hostOf(env.UPSTASH_REDIS_REST_URL!), field('edge', 'environment.UPSTASH_REDIS_REST_URL')).toEqual({ host: 'rest', port: restPort });
    expect(hostOf(env.RESULT_UPSTASH_REDIS_REST_URL!), field('edge', 'environment.RESULT_UPSTASH_REDIS_REST_URL'))
      .toEqual({ host: 'rest-results', port: restPort });
    expect(edge.ports, field('edge', 'ports')).toContain('127.0.0.1:8787:8787');
  });

  it('runs the worker with the same key prefix as the edge (infra/wrangler.jsonc)', () => {
    const wrangler = ts.parseConfigFileTextToJson('wrangler.jsonc', readRepoFile('infra/wrangler.jsonc')).config as { vars: Record<string, string> };
    expect(environment(services.worker!).QUARRY_PREFIX, field('worker', 'environment.QUARRY_PREFIX')).toBe(wrangler.vars.QUARRY_PREFIX);
  });

  it('gives the worker only variables the worker reads, with values its config loader accepts', () => {
    const env = environment(services.worker!);
    for (const name of Object.keys(env)) {
      expect(WORKER_ENV.has(name), field('worker', `environment.${name} (not in worker/src/config-table.ts)`)).toBe(true);
    }
    expect(() => loadConfig(env), field('worker', 'environment')).not.toThrow();
    expect(hostOf(env.REDIS_URL!).host, field('worker', 'environment.REDIS_URL (the noeviction broker)')).toBe('redis');
    expect(hostOf(env.RESULT_REDIS_URL!).host, field('worker', 'environment.RESULT_REDIS_URL')).toBe('redis-results');
  });

  it('runs several workers and lets each drain before Docker kills it', () => {
    const worker = services.worker!;
    expect(worker.deploy?.replicas, field('worker', 'deploy.replicas')).toBeGreaterThanOrEqual(2);
    expect(worker.ports, field('worker', 'ports (replicas would clash on host ports)')).toBeUndefined();
    const shutdownMs = Number(environment(worker).QUARRY_SHUTDOWN_TIMEOUT_MS ?? workerDefault('QUARRY_SHUTDOWN_TIMEOUT_MS'));
    // After the deadline the worker hands jobs back (≤ 3 s) and closes Chromium (≤ 5 s).
    expect(durationMs(worker.stop_grace_period), field('worker', `stop_grace_period vs QUARRY_SHUTDOWN_TIMEOUT_MS=${shutdownMs} + 8 s`))
      .toBeGreaterThan(shutdownMs + 8_000);
    expect(worker.shm_size, field('worker', 'shm_size (Chromium)')).toBeDefined();
  });

  it('writes commands and healthchecks as strings, which an override file can replace under podman-compose 1.0.3', () => {
    // 1.0.3 appends a list to the list it merges into, and consumes an exec-form healthcheck on the first replica.
    for (const [name, service] of Object.entries(services)) {
      expect(typeof service.healthcheck?.test, field(name, 'healthcheck.test (a string: shell form)')).toBe('string');
      if (service.command !== undefined) expect(typeof service.command, field(name, 'command (a string)')).toBe('string');
    }
  });

  it('health-checks every service and starts each only after what it depends on is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, field(name, 'healthcheck.test')).toBeDefined();
      const dependsOn = Array.isArray(service.depends_on)
        ? Object.fromEntries(service.depends_on.map((d: string) => [d, { condition: 'service_started' }]))
        : (service.depends_on ?? {});
      for (const [target, spec] of Object.entries(dependsOn as Record<string, { condition?: string }>)) {
        expect(services[target], field(name, `depends_on.${target} (no such service)`)).toBeDefined();
        expect(spec.condition, field(name, `depends_on.${target}.condition`)).toBe('service_healthy');
      }
    }
    for (const name of ['rest', 'rest-results', 'edge', 'worker']) {
      expect(Object.keys(services[name]!.depends_on ?? {}).length, field(name, 'depends_on')).toBeGreaterThan(0);
    }
  });

  it('runs the dashboard from the worker image on the broker, password required, loopback only', () => {
    const dashboard = services.dashboard!;
    const env = environment(dashboard);
    expect(dashboard.image, field('dashboard', 'image (the worker image)')).toBe(services.worker!.image);
    expect(dashboard.build?.dockerfile, field('dashboard', 'build.dockerfile')).toBe(services.worker!.build.dockerfile);
    const [node, script] = commandOf(dashboard.command);
    expect(node, field('dashboard', 'command[0]')).toBe('node');
    expect(sourceOf(loadBuildLayout(), script!), field('dashboard', `command runs ${script}, which the build does not emit`)).toBe('worker/src/dashboard/dashboard-main.ts');
    for (const name of Object.keys(env)) {
      expect(WORKER_ENV.has(name), field('dashboard', `environment.${name} (not in worker/src/config-table.ts)`)).toBe(true);
    }
    expect(env.QUARRY_DASHBOARD_PASSWORD, field('dashboard', 'environment.QUARRY_DASHBOARD_PASSWORD (must be ${VAR:?message})')).toMatch(/^\$\{QUARRY_DASHBOARD_PASSWORD:\?.+\}$/);
    expect(() => dashboardSettings(loadConfig({ ...env, QUARRY_DASHBOARD_PASSWORD: 'a-long-enough-password' })), field('dashboard', 'environment')).not.toThrow();
    expect(hostOf(env.REDIS_URL!).host, field('dashboard', 'environment.REDIS_URL (the broker)')).toBe('redis');
    expect(env.QUARRY_PREFIX, field('dashboard', 'environment.QUARRY_PREFIX (the workers\' queues)')).toBe(environment(services.worker!).QUARRY_PREFIX);
    const port = env.QUARRY_DASHBOARD_PORT ?? workerDefault('QUARRY_DASHBOARD_PORT');
    expect(dashboard.ports, field('dashboard', 'ports (loopback only)')).toEqual([`127.0.0.1:${port}:${port}`]);
    expect(healthcheckText(dashboard), field('dashboard', 'healthcheck.test')).toContain(`127.0.0.1:${port}/healthz`);
  });

  it('points the worker healthcheck at the readiness route on the worker health port', () => {
    const test = healthcheckText(services.worker!);
    const port = environment(services.worker!).QUARRY_HEALTH_PORT ?? workerDefault('QUARRY_HEALTH_PORT');
    expect(test, field('worker', 'healthcheck.test')).toContain(`127.0.0.1:${port}/readyz`);
  });
});
