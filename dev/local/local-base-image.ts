/**
 * @module dev/local/local-base-image
 * The worker image's base when the official `node:24-bookworm-slim` cannot be pulled (no image
 * registry is reachable on this machine kind, only Debian's mirror and npm): a Debian bookworm
 * rootfs from `debootstrap --variant=minbase`, slimmed the way Debian's -slim images are, with the
 * Node 24 binary of the npm `node` package, npm from the registry, and a `node` user (uid 1000) as
 * the official image has; imported with `<engine> import` as `localhost/quarry-node-base:24`.
 *
 * Cached: the image carries a label with a digest of everything it is made of (recipe version,
 * suite, mirror, Node and npm versions, CA bundle); a matching image is reused as it is. The
 * debootstrap package cache survives in `.quarry/image-base/debs`, so a rebuild downloads nothing.
 * This machine's CA bundle (its egress proxy re-signs TLS) goes into this local base only, never
 * into the Dockerfile: `npm ci` in the build stage needs it, users' builds do not.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { ContainerEngine } from './container-engine.ts';
import { runCommand } from './run-command.ts';
import { aptInstall, onPath } from './system-deps.ts';

/** What the Dockerfile names by default (docker.io's official image). */
export const OFFICIAL_NODE_IMAGE = 'docker.io/library/node:24-bookworm-slim';
export const LOCAL_BASE_IMAGE = 'localhost/quarry-node-base:24';
/** Bump when the recipe below changes what the image contains. */
const RECIPE_VERSION = 1;
const SUITE = 'bookworm';
/** npm 11, the major Node 24 ships with; pinned so the cache key is stable. */
export const NPM_VERSION = '11.6.2';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
/** Where the base keeps this machine's CA bundle; NODE_EXTRA_CA_CERTS points here. */
const BASE_CA_PATH = '/etc/ssl/quarry-local-base-ca.crt';
const LABEL = 'quarry.base.key';

export interface BaseImageOptions {
  root?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Output of debootstrap, npm and the import (a file in tests, the console in scripts). */
  output?: Writable;
  /** Debian mirror for debootstrap and for apt inside the image. */
  mirror?: string;
}

export interface BaseImage {
  /** What to pass as the Dockerfile's NODE_IMAGE. */
  image: string;
  /** `official` was present or pullable; `cached` reused; `built` made now. */
  source: 'official' | 'cached' | 'built';
  sizeBytes: number | undefined;
  seconds: number;
}

function nodeBinary(root: string): { path: string; version: string } {
  const path = resolve(root, 'node_modules/node/bin/node');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm ci first (the npm "node" package provides Node 24)`);
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24')) throw new Error(`${path} is Node ${version}, not 24`);
  return { path, version };
}

/** Digest of everything the base is made of; equal keys mean an equal image. */
export function baseImageKey(inputs: { nodeVersion: string; mirror: string; caBundle: string | undefined }): string {
  const ca = inputs.caBundle === undefined ? 'none' : createHash('sha256').update(inputs.caBundle).digest('hex');
  const material = JSON.stringify({ recipe: RECIPE_VERSION, suite: SUITE, mirror: inputs.mirror, node: inputs.nodeVersion, npm: NPM_VERSION, ca });
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}

function labelOf(engine: ContainerEngine, image: string): string | undefined {
  try {
    const value = engine.exec(['image', 'inspect', '--format', `{{index .Config.Labels "${LABEL}"}}`, image]).trim();
    return value && value !== '<no value>' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The official image if it is here or can be pulled, else the local base (cached or built now). */
export async function ensureBaseImage(engine: ContainerEngine, options: BaseImageOptions = {}): Promise<BaseImage> {
  const t0 = Date.now();
  const done = (image: string, source: BaseImage['source']): BaseImage => ({ image, source, sizeBytes: engine.imageSize(image), seconds: (Date.now() - t0) / 1000 });
  const { log = () => undefined } = options;
  if (process.env.QUARRY_NODE_IMAGE) return done(process.env.QUARRY_NODE_IMAGE, 'official');
  if (engine.imageExists(OFFICIAL_NODE_IMAGE)) return done(OFFICIAL_NODE_IMAGE, 'official');
  // Fails within a second when no registry resolves (DNS), as on this machine kind; bounded for
  // networks that drop packets to the registry instead.
  if (pulled(engine, OFFICIAL_NODE_IMAGE)) return done(OFFICIAL_NODE_IMAGE, 'official');
  log(`${OFFICIAL_NODE_IMAGE} cannot be pulled here; using the local base ${LOCAL_BASE_IMAGE}.`);
  const built = await ensureLocalBaseImage(engine, options);
  return done(LOCAL_BASE_IMAGE, built ? 'built' : 'cached');
}

const PULL_TIMEOUT_MS = 120_000;

function pulled(engine: ContainerEngine, image: string): boolean {
  try {
    engine.exec(['pull', '--quiet', image], { timeoutMs: PULL_TIMEOUT_MS });
    return true;
  } catch {
    return false;
  }
}

/** Builds `LOCAL_BASE_IMAGE` unless a current one exists; true when it built one. */
export async function ensureLocalBaseImage(engine: ContainerEngine, options: BaseImageOptions = {}): Promise<boolean> {
  const { root = process.cwd(), log = () => undefined, output, mirror = process.env.QUARRY_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian' } = options;
  const node = nodeBinary(root);
  const caBundle = existsSync(CA_BUNDLE) ? readFileSync(CA_BUNDLE, 'utf8') : undefined;
  const key = baseImageKey({ nodeVersion: node.version, mirror, caBundle });
  if (labelOf(engine, LOCAL_BASE_IMAGE) === key) return false;

  if (!onPath('debootstrap')) aptInstall(['debootstrap'], { log, why: 'to build the local base image' });
  const work = resolve(root, '.quarry/image-base');
  const rootfs = join(work, 'rootfs');
  const debs = join(work, 'debs');
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  try {
    log(`debootstrap --variant=minbase ${SUITE} (cached packages in ${debs})…`);
    await runCommand('debootstrap', ['--variant=minbase', `--cache-dir=${debs}`, SUITE, rootfs, mirror], { output, timeoutMs: 15 * 60_000 });
    slimAndConfigure(rootfs, mirror);
    await runCommand('chroot', [rootfs, 'sh', '-c', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'], { output });
    installNode(rootfs, node.path);
    await installNpm(rootfs, work, output);
    if (caBundle !== undefined) {
      mkdirSync(join(rootfs, dirname(BASE_CA_PATH)), { recursive: true });
      copyFileSync(CA_BUNDLE, join(rootfs, BASE_CA_PATH));
    }

    log(`Importing ${LOCAL_BASE_IMAGE}…`);
    const changes = [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      `ENV NODE_VERSION=${node.version.slice(1)}`,
      ...(caBundle !== undefined ? [`ENV NODE_EXTRA_CA_CERTS=${BASE_CA_PATH}`] : []),
      `LABEL ${LABEL}=${key}`,
      'CMD ["node"]',
    ].flatMap((change) => ['--change', change]);
    const tar = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tarExit = new Promise<number | null>((done) => tar.once('close', done));
    await runCommand(engine.name, ['import', ...changes, '-', LOCAL_BASE_IMAGE], { input: tar.stdout!, output });
    if ((await tarExit) !== 0) throw new Error('tar of the base rootfs failed');
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return true;
}

/** Apt sources as Debian's images have them, and -slim's rules: no docs, man pages or locales. */
function slimAndConfigure(rootfs: string, mirror: string): void {
  const security = mirror.replace(/\/debian\/?$/, '/debian-security');
  rmSync(join(rootfs, 'etc/apt/sources.list'), { force: true });
  writeFileSync(join(rootfs, 'etc/apt/sources.list.d/debian.sources'), [
    `Types: deb\nURIs: ${mirror}\nSuites: ${SUITE} ${SUITE}-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
    `Types: deb\nURIs: ${security}\nSuites: ${SUITE}-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
  ].join('\n'));
  // Packages installed later (Chromium, fonts) leave their docs out too.
  writeFileSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d/quarry-slim'), [
    'path-exclude /usr/share/doc/*', 'path-include /usr/share/doc/*/copyright',
    'path-exclude /usr/share/man/*', 'path-exclude /usr/share/info/*',
    'path-exclude /usr/share/locale/*', 'path-include /usr/share/locale/locale.alias', '',
  ].join('\n'));
  writeFileSync(join(rootfs, 'etc/apt/apt.conf.d/quarry-slim'), 'Acquire::Languages "none";\nAPT::Install-Suggests "false";\n');
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt/archives', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/log']) {
    const path = join(rootfs, dir);
    if (!existsSync(path)) continue;
    for (const entry of readdirSync(path)) {
      if (entry === 'partial' || entry === 'lock' || entry === 'locale.alias') continue;
      rmSync(join(path, entry), { recursive: true, force: true });
    }
  }
  const docs = join(rootfs, 'usr/share/doc');
  for (const pkg of readdirSync(docs)) {
    for (const entry of readdirSync(join(docs, pkg))) if (entry !== 'copyright') rmSync(join(docs, pkg, entry), { recursive: true, force: true });
  }
  for (const cache of readdirSync(join(rootfs, 'var/cache/apt')).filter((f) => f.endsWith('.bin'))) rmSync(join(rootfs, 'var/cache/apt', cache));
}

function installNode(rootfs: string, binary: string): void {
  const target = join(rootfs, 'usr/local/bin/node');
  copyFileSync(binary, target);
  chmodSync(target, 0o755);
}

/** npm from the registry (`npm pack`, cached in the work dir), laid out as Node's installer does. */
async function installNpm(rootfs: string, work: string, output: Writable | undefined): Promise<void> {
  const tarball = join(work, `npm-${NPM_VERSION}.tgz`);
  if (!existsSync(tarball)) await runCommand('npm', ['pack', `npm@${NPM_VERSION}`, '--pack-destination', work, '--silent'], { output });
  const dir = join(rootfs, 'usr/local/lib/node_modules/npm');
  mkdirSync(dir, { recursive: true });
  await runCommand('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1', '--no-same-owner'], { output });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
}
