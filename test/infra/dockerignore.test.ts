/**
 * @module test/infra/dockerignore
 * The root .dockerignore keeps secrets and local state out of every image's build context without
 * hiding anything a Dockerfile copies.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { copyPaths, instructionsOf, parseDockerfile } from './dockerfile.ts';
import { isIgnored, parseDockerignore } from './dockerignore.ts';
import { readRepoFile, repoPath } from './repo.ts';

const rules = parseDockerignore(readRepoFile('.dockerignore'));
const dockerfiles = readdirSync(repoPath('infra/docker')).filter((f) => f.endsWith('.Dockerfile')).map((f) => `infra/docker/${f}`);

describe('.dockerignore', () => {
  it('matches the way Docker does for the patterns used (anchored, folder = its contents, ! re-includes)', () => {
    const sample = parseDockerignore('dist\n**/.wrangler\n*.log\n!keep.log\n');
    expect(isIgnored(sample, 'dist/worker/src/main.js')).toBe(true);
    expect(isIgnored(sample, 'infra/dist')).toBe(false);
    expect(isIgnored(sample, 'infra/.wrangler/tmp/x')).toBe(true);
    expect(isIgnored(sample, 'a.log')).toBe(true);
    expect(isIgnored(sample, 'keep.log')).toBe(false);
    expect(isIgnored(sample, 'sub/a.log')).toBe(false);
  });

  it.each(['.dev.vars', '.env', 'node_modules/bullmq/package.json', 'dist/worker/src/main.js', '.quarry/data/dump.rdb', 'infra/.wrangler/tmp/x'])(
    'keeps %s out of the build context', (path) => {
      expect(isIgnored(rules, path), `.dockerignore: "${path}" would be sent to the Docker daemon`).toBe(true);
    },
  );

  it('does not exclude anything a Dockerfile copies from the context', () => {
    expect(dockerfiles.length).toBeGreaterThanOrEqual(3);
    for (const file of dockerfiles) {
      for (const stage of parseDockerfile(readRepoFile(file)).stages) {
        for (const copy of instructionsOf(stage, 'COPY').filter((c) => !c.flags.from)) {
          for (const source of copyPaths(copy).sources) {
            expect(isIgnored(rules, source), `${file}: line ${copy.line} copies "${source}", which .dockerignore excludes`).toBe(false);
          }
        }
      }
    }
  });
});
