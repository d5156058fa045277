/**
 * @module worker/config
 * Loads the worker's configuration from the environment (through the table in config-table.ts)
 * and renders that table as Markdown for the README.
 */
import type { z } from 'zod';
import { CONFIG_TABLE, type ConfigKey, type Env } from './config-table.ts';

export type WorkerConfig = { [K in ConfigKey]: z.output<(typeof CONFIG_TABLE)[K]['schema']> };

export interface ConfigIssue {
  /** The environment variable at fault. */
  variable: string;
  /** What is wrong with it, e.g. `must be a whole number`. */
  problem: string;
}

/** One or more variables are invalid; the message names every one of them. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`Invalid configuration: ${issues.map((issue) => `${issue.variable}: ${issue.problem}`).join('; ')}`);
    this.issues = issues;
  }
  /** The first variable at fault. */
  get variable(): string {
    return this.issues[0]?.variable ?? '';
  }
}

/** Reads every field; an empty variable counts as unset. Throws `ConfigError` listing all problems. */
export function loadConfig(env: Env = process.env): WorkerConfig {
  const values: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [key, field] of Object.entries(CONFIG_TABLE)) {
    const raw = env[field.env];
    const text = raw !== undefined && raw !== '' ? raw : typeof field.default === 'function' ? field.default(env) : field.default;
    const parsed = field.schema.safeParse(text);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      issues.push({ variable: field.env, problem: parsed.error.issues[0]?.message ?? 'is invalid' });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return values as WorkerConfig;
}

/** Builds a config from defaults plus overrides, for tests and embedding (no environment read). */
export function configWith(overrides: Partial<WorkerConfig> = {}): WorkerConfig {
  return { ...loadConfig({}), ...overrides };
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** `| Variable | Default | Description |`, one row per field, in table order. */
export function renderConfigTable(): string {
  const rows = Object.values(CONFIG_TABLE).map((field) => {
    const fallback = field.defaultDoc ?? (typeof field.default === 'string' ? field.default : undefined);
    const shown = fallback === undefined ? '—' : `\`${fallback}\``;
    return `| \`${field.env}\` | ${escapeCell(shown)} | ${escapeCell(field.doc)} |`;
  });
  return ['| Variable | Default | Description |', '|---|---|---|', ...rows].join('\n') + '\n';
}
