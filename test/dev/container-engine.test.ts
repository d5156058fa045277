/**
 * The pure parts of the image scripts: podman's `--ulimit` flags from /proc/<pid>/limits, the
 * build command per engine, the local base's cache key, and the podman wrapper that puts
 * podman-compose 1.0.3's containers on the host network (run with sh against a fake podman).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostUlimitFlags, podmanHostNetworkWrapper, type ContainerEngine } from '../../dev/local/container-engine.ts';
import { baseImageKey, LOCAL_BASE_IMAGE } from '../../dev/local/local-base-image.ts';
import { buildArgs } from '../../dev/local/worker-image.ts';

const dir = mkdtempSync(join(tmpdir(), 'quarry-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const limits = (openFiles: string, processes: string) => {
  const file = join(dir, `limits-${openFiles}-${processes}`);
  writeFileSync(file, [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    `Max processes             ${processes.padEnd(20)} ${processes.padEnd(20)} processes `,
    `Max open files            ${openFiles.padEnd(20)} ${openFiles.padEnd(20)} files     `,
  ].join('\n'));
  return file;
};

const fakeEngine = (name: 'podman' | 'docker', runFlags: string[] = []) => ({ name, runFlags }) as unknown as ContainerEngine;

describe('container engine helpers', () => {
  it('sets ulimits no higher than the host allows, capped where runc fails above (nproc > 32768 measured)', () => {
    expect(hostUlimitFlags(limits('20000', '96362'))).toEqual(['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=8192:8192']);
    expect(hostUlimitFlags(limits('unlimited', '1024'))).toEqual(['--ulimit', 'nofile=65536:65536', '--ulimit', 'nproc=1024:1024']);
  });

  it('builds with podman in Docker format (HEALTHCHECK kept), host network and ulimits, never pulling a local base', () => {
    const args = buildArgs(fakeEngine('podman', ['--ulimit', 'nofile=1:1']), LOCAL_BASE_IMAGE);
    expect(args).toEqual(expect.arrayContaining(['--format', 'docker', '--network', 'host', '--pull=never', '--ulimit', 'nofile=1:1', '--build-arg', `NODE_IMAGE=${LOCAL_BASE_IMAGE}`]));
    expect(args.at(-1)).toBe('.');
    const docker = buildArgs(fakeEngine('docker'), 'node:24-bookworm-slim');
    expect(docker).not.toContain('--format');
    expect(docker).not.toContain('--pull=never');
  });

  it('keys the local base on everything it is made of', () => {
    const inputs = { nodeVersion: 'v24.21.0', mirror: 'http://deb.debian.org/debian', caBundle: 'ca' };
    const key = baseImageKey(inputs);
    expect(baseImageKey({ ...inputs })).toBe(key);
    for (const changed of [{ nodeVersion: 'v24.22.0' }, { mirror: 'http://mirror.example/debian' }, { caBundle: 'other ca' }, { caBundle: undefined }]) {
      expect(baseImageKey({ ...inputs, ...changed }), JSON.stringify(changed)).not.toBe(key);
    }
  });

  it('wraps podman for podman-compose 1.0.3 on the host network: no default network, no bridge options', () => {
    const fake = join(dir, 'fake-podman');
    writeFileSync(fake, '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    chmodSync(fake, 0o755);
    const wrapper = join(dir, 'podman-host-network');
    writeFileSync(wrapper, podmanHostNetworkWrapper(fake));
    chmodSync(wrapper, 0o755);
    const call = (...args: string[]) => {
      const result = spawnSync(wrapper, args, { encoding: 'utf8' });
      return { status: result.status, args: result.stdout.split('\n').slice(0, -1) };
    };
    // What 1.0.3 runs for a service with network_mode: host (containers/podman-compose#397).
    const run = ['run', '--name=p_worker_1', '-d', '--network', 'host', '-e', 'A=b c', '--net', 'p_default', '--network-alias', 'worker', 'img', 'sh', '-c', 'echo "$x"'];
    expect(call(...run)).toEqual({ status: 0, args: ['run', '--name=p_worker_1', '-d', '--network', 'host', '-e', 'A=b c', 'img', 'sh', '-c', 'echo "$x"'] });
    // Without --network host nothing is dropped: such a container would name a network that does not exist.
    const bridge = ['create', '--name=p_x_1', '--net', 'p_default', '--network-alias', 'x', 'img'];
    expect(call(...bridge)).toEqual({ status: 0, args: bridge });
    // The default network "exists", so podman-compose never creates it; other commands pass through.
    expect(call('network', 'exists', 'p_default')).toEqual({ status: 0, args: [] });
    expect(call('network', 'create', '--label', 'x', 'p_default')).toEqual({ status: 0, args: [] });
    expect(call('network', 'ls')).toEqual({ status: 0, args: ['network', 'ls'] });
    expect(call('--version')).toEqual({ status: 0, args: ['--version'] });
  });
});
