/**
 * @module scripts/lock-platforms
 * `node scripts/lock-platforms.ts`: adds to package-lock.json the other platforms' optional
 * packages (native binaries such as `@mdream/rust-darwin-arm64`) that npm 11 on this machine kind
 * leaves out when it installs. Without them `npm ci` refuses the lock ("Missing: … from lock
 * file"), which breaks CI and the image builds; test/infra/lockfile.test.ts checks it. Each entry
 * is what npm itself would write, read from the registry with `npm view`; when the registry
 * mirror does not have the package (it answers 404 for some other-platform binaries), its os, cpu
 * and libc are read from its napi-rs style name (`…-darwin-arm64`, `…-linux-x64-musl`,
 * `…-wasm32-wasi`), which is all `npm ci` needs to skip it on this platform.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

function registryView(name: string, version: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(execFileSync('npm', ['view', `${name}@${version}`, '--json', 'version', 'dist.integrity', 'license', 'cpu', 'os', 'libc', 'engines'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const OS: Record<string, string> = { android: 'android', darwin: 'darwin', freebsd: 'freebsd', linux: 'linux', win32: 'win32' };
const CPU: Record<string, string> = { arm: 'arm', arm64: 'arm64', x64: 'x64', ia32: 'ia32', riscv64: 'riscv64', s390x: 's390x', ppc64: 'ppc64', wasm32: 'wasm32' };

/** `@scope/pkg-linux-arm64-musl` → os linux, cpu arm64, libc musl (napi-rs naming). */
function platformFromName(name: string, version: string): Record<string, unknown> | undefined {
  const parts = name.split('/').pop()!.split('-');
  const osIndex = parts.findIndex((part) => OS[part] !== undefined);
  if (parts.includes('wasm32')) return { version, cpu: ['wasm32'] };
  if (osIndex < 0 || CPU[parts[osIndex + 1] ?? ''] === undefined) return undefined;
  const view: Record<string, unknown> = { version, os: [OS[parts[osIndex]!]], cpu: [CPU[parts[osIndex + 1]!]] };
  const libc = parts[osIndex + 2];
  if (libc === 'gnu' || libc === 'musl') view.libc = [libc === 'gnu' ? 'glibc' : 'musl'];
  return view;
}

const path = 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8')) as { packages: Record<string, LockEntry> };
let added = 0;
for (const [where, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${where}/node_modules/${name}`]) continue;
    const view = registryView(name, version) ?? platformFromName(name, version);
    if (!view) throw new Error(`${name}@${version}: not in the registry and its name names no platform`);
    const added_: LockEntry = { version: String(view.version) };
    if (view['dist.integrity'] !== undefined) added_.integrity = view['dist.integrity'];
    if (entry.dev) added_.dev = true;
    for (const field of ['license', 'cpu', 'os', 'libc', 'engines']) if (view[field] !== undefined) added_[field] = view[field];
    added_.optional = true;
    lock.packages[key] = added_;
    added++;
    console.log(`added ${key}@${view.version}`);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${added} optional platform package(s) added`);
