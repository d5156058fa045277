/**
 * @module test/infra/repo
 * Where the repository and its infra files are, and reading them with messages that name the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Repository root (two levels above this folder). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a repo-relative path. */
export const repoPath = (relative: string): string => join(ROOT, relative);

/** True when the repo-relative path exists. */
export const repoHas = (relative: string): boolean => existsSync(repoPath(relative));

/** Text of a repo-relative file. */
export const readRepoFile = (relative: string): string => readFileSync(repoPath(relative), 'utf8');
