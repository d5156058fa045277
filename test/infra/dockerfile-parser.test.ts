/**
 * @module test/infra/dockerfile-parser
 * The Dockerfile parser the infra tests rely on: continuations, comments, stages, flags, forms.
 */
import { describe, expect, it } from 'vitest';
import { commandWords, copyPaths, envOf, healthcheckCommand, instructionsOf, lastOf, parseDockerfile, splitWords, workdirOf } from './dockerfile.ts';

const SAMPLE = `# syntax=docker/dockerfile:1
# a comment, not a directive
ARG BASE=node:24
FROM node:24 AS Build
WORKDIR /app
ENV A=1 B="two words" \\
    # a comment inside a continuation is dropped
    C=3
ENV LEGACY some value
RUN --mount=type=cache,target=/root/.npm npm ci \\
 && npm run build

FROM debian:12
COPY --from=build --chown=1000:1000 /app/dist ./dist
COPY ["a b.txt", "c", "/dest/"]
USER 1000:1000
HEALTHCHECK --interval=5s CMD ["node", "-e", "1"]
CMD node main.js
CMD ["node", "dist/main.js"]
`;

describe('parseDockerfile', () => {
  const file = parseDockerfile(SAMPLE);

  it('reads parser directives only from the top of the file', () => {
    expect(file.directives).toEqual({ syntax: 'docker/dockerfile:1' });
  });

  it('splits stages at FROM, lower-cases stage names and keeps ARG before FROM in the preamble', () => {
    expect(file.preamble.map((i) => i.keyword)).toEqual(['ARG']);
    expect(file.stages.map((s) => [s.image, s.name])).toEqual([['node:24', 'build'], ['debian:12', undefined]]);
    expect(file.stages[0]!.line).toBe(4);
  });

  it('joins continuations, drops comments inside them, and parses ENV pairs and the legacy form', () => {
    expect(envOf(file.stages[0]!)).toEqual({ A: '1', B: 'two words', C: '3', LEGACY: 'some value' });
    const run = lastOf(file.stages[0]!, 'RUN')!;
    expect(run.flags).toEqual({ mount: 'type=cache,target=/root/.npm' });
    expect(run.args).toBe('npm ci && npm run build');
  });

  it('parses flags and both COPY forms', () => {
    const [fromBuild, exec] = instructionsOf(file.stages[1]!, 'COPY');
    expect(fromBuild!.flags).toEqual({ from: 'build', chown: '1000:1000' });
    expect(copyPaths(fromBuild!)).toEqual({ sources: ['/app/dist'], dest: './dist' });
    expect(copyPaths(exec!)).toEqual({ sources: ['a b.txt', 'c'], dest: '/dest/' });
  });

  it('takes the last CMD, exec form as JSON, and the HEALTHCHECK command after its options', () => {
    expect(commandWords(lastOf(file.stages[1]!, 'CMD')!)).toEqual(['node', 'dist/main.js']);
    const healthcheck = lastOf(file.stages[1]!, 'HEALTHCHECK')!;
    expect(healthcheck.flags).toEqual({ interval: '5s' });
    expect(healthcheckCommand(healthcheck)).toEqual(['node', '-e', '1']);
    expect(workdirOf(file.stages[0]!)).toBe('/app');
    expect(workdirOf(file.stages[1]!)).toBe('/');
  });

  it('rejects what it cannot read instead of guessing', () => {
    expect(() => splitWords('echo "open')).toThrow(/unterminated/);
    expect(() => envOf(parseDockerfile('FROM x\nENV A=1 B\n').stages[0]!)).toThrow(/line 2: ENV pair without "="/);
    expect(() => parseDockerfile('FROM x y\n')).toThrow(/AS name/);
  });
});
