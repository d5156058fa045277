/**
 * @module cli/config
 * The API endpoint and key: flags first, then QUARRY_URL / QUARRY_API_KEY, then defaults.
 */
import { MissingApiKeyError, UsageError } from './errors.ts';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8787';

/** The global flags as commander parses them. */
export interface ConnectionFlags {
  /** `--endpoint`: base URL of the edge API. */
  endpoint?: string;
  /** `--api-key`: sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
}

export interface Connection {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787`. */
  endpoint: string;
  apiKey: string;
}

/** An empty variable (`QUARRY_URL=`) counts as unset, as shells make that easy to do by accident. */
const present = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

export function resolveConnection(flags: ConnectionFlags, env: Record<string, string | undefined>): Connection {
  const endpoint = present(flags.endpoint) ?? present(env.QUARRY_URL) ?? DEFAULT_ENDPOINT;
  let parsed: URL;
  try {
    parsed = new URL(endpoint);
  } catch {
    throw new UsageError(`the endpoint "${endpoint}" is not a URL: pass --endpoint or set QUARRY_URL to e.g. ${DEFAULT_ENDPOINT}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`the endpoint "${endpoint}" must be an http:// or https:// URL`);
  }
  const apiKey = present(flags.apiKey) ?? present(env.QUARRY_API_KEY);
  if (apiKey === undefined) throw new MissingApiKeyError();
  return { endpoint: endpoint.replace(/\/+$/, ''), apiKey };
}
