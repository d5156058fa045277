/**
 * @module test/infra/compose-host-network
 * infra/compose.host-network.yaml over infra/compose.yaml: every service on the host network,
 * listening on 127.0.0.1 only, on a port of its own, reached by the others there; only the address
 * flags change (commands and healthchecks otherwise as in compose.yaml and the images); nothing it
 * sets would be appended to a list of the main file by podman-compose 1.0.3's merge.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../worker/src/config.ts';
import { commandOf, environment, healthcheckText, hostOf, option, readCompose, withDefaults, type Service } from './compose-file.ts';
import { commandWords, lastOf, parseDockerfile } from './dockerfile.ts';
import { readRepoFile } from './repo.ts';

const BASE = 'infra/compose.yaml';
const FILE = 'infra/compose.host-network.yaml';
const base = readCompose(BASE).services;
const override = readCompose(FILE).services;
const field = (service: string, path: string) => `${FILE}: services.${service}.${path}`;

/** A service as compose runs it with both files, variables at their defaults. */
function merged(name: string): Service {
  const over = JSON.parse(withDefaults(JSON.stringify(override[name] ?? {}))) as Service;
  return { ...base[name], ...over, environment: { ...environment(base[name]!), ...environment(over) } };
}

/** The image's CMD or ENTRYPOINT as words. */
const imageCommand = (dockerfile: string, keyword: 'CMD' | 'ENTRYPOINT'): string[] =>
  commandWords(lastOf(parseDockerfile(readRepoFile(dockerfile)).stages.at(-1)!, keyword)!);

const redisPort = (name: string) => option(commandOf(merged(name).command), '--port')!;
const restPort = (name: string) => environment(merged(name)).PORT!;
const edgePort = () => option(commandOf(merged('edge').command), '--port')!;
const dashboardPort = () => environment(merged('dashboard')).QUARRY_DASHBOARD_PORT!;

/** Paths where both files hold a list: podman-compose 1.0.3 would append the override's to the main file's. */
function listCollisions(a: unknown, b: unknown, path: string): string[] {
  if (Array.isArray(a) && Array.isArray(b)) return [path];
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) || Array.isArray(b)) return [];
  return Object.keys(b).flatMap((key) => listCollisions((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`));
}

describe(FILE, () => {
  it('puts every service of compose.yaml, and only those, on the host network', () => {
    expect(Object.keys(override).sort(), `${FILE}: services`).toEqual(Object.keys(base).sort());
    for (const name of Object.keys(base)) expect(override[name]!.network_mode, field(name, 'network_mode')).toBe('host');
  });

  it('sets no list that compose.yaml also sets (podman-compose 1.0.3 would append, not replace)', () => {
    const environmentOf = (services: Record<string, Service>) => Object.fromEntries(Object.entries(services).map(([n, s]) => [n, { ...s, environment: environment(s) }]));
    expect(listCollisions(environmentOf(base), environmentOf(override), 'services')).toEqual([]);
  });

  it('gives every variable a default, so the file runs with nothing set', () => {
    const text = readRepoFile(FILE).split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    expect([...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!).filter((v) => !/^[A-Z0-9_]+:-\d+$/.test(v)), `${FILE}: \${VAR} without :-default`).toEqual([]);
  });

  it('listens on 127.0.0.1 only, one port per service', () => {
    for (const name of ['redis', 'redis-results']) expect(option(commandOf(merged(name).command), '--bind'), field(name, 'command --bind')).toBe('127.0.0.1');
    for (const name of ['rest', 'rest-results']) expect(environment(merged(name)).HOST, field(name, 'environment.HOST')).toBe('127.0.0.1');
    expect(option(commandOf(merged('edge').command), '--ip'), field('edge', 'command --ip')).toBe('127.0.0.1');
    expect(environment(merged('worker')).QUARRY_HEALTH_HOST, field('worker', 'environment.QUARRY_HEALTH_HOST')).toBe('127.0.0.1');
    expect(environment(merged('dashboard')).QUARRY_DASHBOARD_HOST, field('dashboard', 'environment.QUARRY_DASHBOARD_HOST')).toBe('127.0.0.1');
    const ports = [redisPort('redis'), redisPort('redis-results'), restPort('rest'), restPort('rest-results'), edgePort(), dashboardPort()];
    expect(ports.every((port) => /^\d+$/.test(port)), `ports ${ports.join(', ')}`).toBe(true);
    expect(new Set(ports).size, `ports ${ports.join(', ')} (the host network is shared)`).toBe(ports.length);
  });

  it('wires each client to its server on 127.0.0.1 and that server\'s port', () => {
    const at = (port: string) => ({ host: '127.0.0.1', port });
    const url = (name: string, variable: string) => hostOf(environment(merged(name))[variable]!);
    expect(url('rest', 'REDIS_URL'), field('rest', 'environment.REDIS_URL')).toEqual(at(redisPort('redis')));
    expect(url('rest-results', 'REDIS_URL'), field('rest-results', 'environment.REDIS_URL')).toEqual(at(redisPort('redis-results')));
    expect(url('edge', 'UPSTASH_REDIS_REST_URL'), field('edge', 'environment.UPSTASH_REDIS_REST_URL')).toEqual(at(restPort('rest')));
    expect(url('edge', 'RESULT_UPSTASH_REDIS_REST_URL'), field('edge', 'environment.RESULT_UPSTASH_REDIS_REST_URL')).toEqual(at(restPort('rest-results')));
    expect(url('worker', 'REDIS_URL'), field('worker', 'environment.REDIS_URL')).toEqual(at(redisPort('redis')));
    expect(url('worker', 'RESULT_REDIS_URL'), field('worker', 'environment.RESULT_REDIS_URL')).toEqual(at(redisPort('redis-results')));
    expect(url('dashboard', 'REDIS_URL'), field('dashboard', 'environment.REDIS_URL')).toEqual(at(redisPort('redis')));
    expect(() => loadConfig({ ...environment(merged('worker')), QUARRY_HEALTH_PORT: '20000' }), field('worker', 'environment')).not.toThrow();
  });

  it('health-checks each service on its own port', () => {
    for (const name of ['redis', 'redis-results']) expect(commandOf(healthcheckText(merged(name))), field(name, 'healthcheck.test')).toEqual(['redis-cli', '-p', redisPort(name), 'ping']);
    for (const name of ['rest', 'rest-results']) expect(healthcheckText(merged(name)), field(name, 'healthcheck.test')).toContain(`'http://127.0.0.1:${restPort(name)}/__quarry/health'`);
    expect(healthcheckText(merged('edge')), field('edge', 'healthcheck.test')).toContain(`'http://127.0.0.1:${edgePort()}/healthz'`);
    expect(healthcheckText(merged('dashboard')), field('dashboard', 'healthcheck.test')).toContain(`'http://127.0.0.1:${dashboardPort()}/healthz'`);
  });

  it('changes only the address flags of the commands of compose.yaml and the images', () => {
    for (const name of ['redis', 'redis-results']) {
      expect(commandOf(merged(name).command), field(name, 'command (compose.yaml\'s plus --bind and --port)'))
        .toEqual([...commandOf(base[name]!.command), '--bind', '127.0.0.1', '--port', redisPort(name)]);
    }
    const addressless = (words: string[]) => words.filter((word) => !/^--(ip|port)=/.test(word));
    expect(addressless(commandOf(merged('edge').command)), field('edge', 'command (the image\'s CMD but --ip and --port)'))
      .toEqual(addressless(imageCommand(base.edge!.build.dockerfile, 'CMD')));
  });

  it('gives each worker replica its own health port: picked at start, kept in the container for its healthcheck', () => {
    const worker = merged('worker');
    const dockerfile = base.worker!.build.dockerfile as string;
    const entrypoint = commandOf(worker.entrypoint);
    // The image's entry point (tini as PID 1) and command, with a shell step between them.
    expect(entrypoint.slice(0, 2), field('worker', 'entrypoint')).toEqual(imageCommand(dockerfile, 'ENTRYPOINT'));
    expect(entrypoint.slice(2, 4), field('worker', 'entrypoint')).toEqual(['sh', '-c']);
    expect(commandOf(worker.command), field('worker', 'command')).toEqual(imageCommand(dockerfile, 'CMD'));
    const script = entrypoint[4]!;
    const portFile = /> (\/tmp\/[\w.-]+)/.exec(script)?.[1];
    expect(portFile, field('worker', 'entrypoint (writes the port to a file under /tmp)')).toBeDefined();
    expect(script, field('worker', 'entrypoint')).toMatch(/QUARRY_HEALTH_PORT=\$\$port exec "\$\$@"/);
    expect(healthcheckText(worker), field('worker', 'healthcheck.test')).toContain(`readFileSync('${portFile}'`);
    expect(healthcheckText(worker), field('worker', 'healthcheck.test')).toContain('/readyz');
    expect(worker.deploy?.replicas, field('worker', 'deploy.replicas (compose.yaml\'s)')).toBeGreaterThanOrEqual(2);
  });
});
