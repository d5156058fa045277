/**
 * @module test/infra/compose-file
 * Reading compose files as compose does: `environment` as a map, commands and healthchecks as
 * words (a string is shell form), `${VAR:-default}` resolved to its default.
 */
import { parse } from 'yaml';
import { splitWords } from './dockerfile.ts';
import { readRepoFile } from './repo.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Service = Record<string, any>;
export interface ComposeFile { services: Record<string, Service>; volumes?: Record<string, unknown> }

export const readCompose = (file: string): ComposeFile => parse(readRepoFile(file)) as ComposeFile;

/** compose `environment` as a map (it may be written as a list of NAME=value). */
export function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
  return Object.fromEntries((env as string[]).map((item) => [item.split('=')[0]!, item.slice(item.indexOf('=') + 1)]));
}

/** A command (or entry point) as words: a list as it is, a string split as compose splits it. */
export const commandOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : splitWords(String(value ?? ''));

/** A healthcheck's test as one line of text, whatever its form (list or CMD-SHELL string). */
export const healthcheckText = (service: Service): string => {
  const test = service.healthcheck?.test as string | string[] | undefined;
  return Array.isArray(test) ? test.join(' ') : String(test ?? '');
};

/** Value following a `--flag` (or in `--flag=value`) in a command line. */
export const option = (words: string[], flag: string): string | undefined => {
  const at = words.indexOf(flag);
  if (at >= 0) return words[at + 1];
  return words.find((word) => word.startsWith(`${flag}=`))?.slice(flag.length + 1);
};

/** host:port of a URL-ish value (`redis://redis:6379`). */
export const hostOf = (url: string): { host: string; port: string } => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port };
};

/** `${VAR:-default}` and `${VAR-default}` replaced by their defaults: the values a user gets with nothing set. */
export const withDefaults = (text: string): string => text.replace(/\$\{[A-Z0-9_]+:?-([^}]*)\}/g, '$1');
