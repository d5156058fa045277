/**
 * @module test/rest-server/stack
 * A real redis-server plus the REST server in front of it, and raw-HTTP helpers, for the
 * rest-server suites.
 */
import { Redis, type RedisConfigNodejs } from '@upstash/redis';
import { startRedisServer, type RedisServer, type RedisServerOptions } from '../../dev/local/redis-server.ts';
import { startRestServer, type RestServerHandle, type RestServerOptions } from '../../dev/rest-server/index.ts';

export const TOKEN = 'quarry-test-token-7f3a';

export interface RawReply {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface Stack {
  redisServer: RedisServer;
  rest: RestServerHandle;
  /** An @upstash/redis client against the REST server (no telemetry, no retries). */
  client(options?: Partial<RedisConfigNodejs>): Redis;
  /** POST a JSON body (or a raw string) with the token unless `headers` overrides it. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<RawReply>;
  get(path: string, headers?: Record<string, string>): Promise<RawReply>;
  close(): Promise<void>;
}

async function toReply(response: Response): Promise<RawReply> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Keep the raw text; the assertion will show it.
  }
  return { status: response.status, body, headers: response.headers };
}

export async function startStack(
  restOptions: Partial<RestServerOptions> = {},
  redisOptions: RedisServerOptions = { appendOnly: false },
): Promise<Stack> {
  const redisServer = await startRedisServer(redisOptions);
  const rest = await startRestServer({ redisUrl: redisServer.url, token: TOKEN, ...restOptions }).catch(
    async (error: unknown) => {
      await redisServer.dispose();
      throw error;
    },
  );
  const auth = { authorization: `Bearer ${TOKEN}` };
  return {
    redisServer,
    rest,
    client: (options = {}) =>
      new Redis({ url: rest.url, token: TOKEN, enableTelemetry: false, retry: false, ...options }),
    post: async (path, body, headers = {}) =>
      toReply(await fetch(rest.url + path, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })),
    get: async (path, headers = {}) => toReply(await fetch(rest.url + path, { headers: { ...auth, ...headers } })),
    async close() {
      await rest.close();
      await redisServer.dispose();
    },
  };
}
