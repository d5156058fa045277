/**
 * @module dev/rest-server/server
 * HTTP routing of the Upstash-compatible REST server: health probe, bearer auth, stats routes,
 * and the command routes (`POST /`, `/pipeline`, `/multi-exec`, and the `/cmd/arg/...` path form).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenCheck } from './auth.ts';
import { createScriptCompat } from './script-compat.ts';
import { assertAllowed, parseCommand, parseCommandList, type RedisCommand } from './command-policy.ts';
import { runPipeline, runSingle, runTransaction, type CommandResponse } from './commands.ts';
import { replyEncodingFromHeader, type ReplyEncoding } from './encoding.ts';
import { RestError } from './errors.ts';
import type { RestServerLogger } from './logger.ts';
import type { RedisConnection } from './redis-connection.ts';
import { parseJsonBody, readBody } from './request-body.ts';
import type { RouteName, StatsRecorder } from './stats.ts';

export const HEALTH_PATH = '/__quarry/health';
export const STATS_PATH = '/__quarry/stats';
export const STATS_RESET_PATH = '/__quarry/stats/reset';

export interface RequestHandlerOptions {
  /** The shared Redis connection. */
  redis: RedisConnection;
  /** Where round trips and commands are counted. */
  stats: StatsRecorder;
  /** Bearer-token check for every route but health. */
  checkToken: TokenCheck;
  /** Larger bodies are answered with 413. */
  maxBodyBytes: number;
  /** Deadline of the PING behind the health route. */
  healthTimeoutMs: number;
  logger: RestServerLogger;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  };
  // After a 413 the rest of the body is unread: close instead of parsing it as the next request.
  if (status === 413) headers.connection = 'close';
  res.writeHead(status, headers).end(payload);
}

/** Which command route a request is, or undefined (405). */
function routeOf(method: string, path: string): RouteName | undefined {
  if (method === 'POST' && path === '/pipeline') return 'pipeline';
  if (method === 'POST' && path === '/multi-exec') return 'multiExec';
  if (method === 'POST' && path === '/') return 'single';
  if ((method === 'GET' || method === 'POST') && path !== '/' && path !== '/pipeline' && path !== '/multi-exec') {
    return 'single';
  }
  return undefined;
}

/** `/set/foo/bar` → SET foo bar; on POST a non-empty body is appended as the last argument. */
async function pathCommand(req: IncomingMessage, path: string, maxBodyBytes: number): Promise<RedisCommand> {
  const parts = path.slice(1).split('/').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  if (req.method === 'POST') {
    const body = await readBody(req, maxBodyBytes);
    if (body.length > 0) parts.push(body.toString('utf8'));
  }
  return parseCommand(parts);
}

export function createRequestHandler(options: RequestHandlerOptions): Handler {
  const { redis, stats, checkToken, maxBodyBytes, healthTimeoutMs, logger } = options;
  const scripts = createScriptCompat();

  const runRoute = async (
    route: RouteName, req: IncomingMessage, path: string, encoding: ReplyEncoding,
  ): Promise<CommandResponse> => {
    if (route === 'single') {
      const command = path === '/'
        ? parseCommand(parseJsonBody(await readBody(req, maxBodyBytes)))
        : await pathCommand(req, path, maxBodyBytes);
      assertAllowed([command]);
      stats.commands(route, 1);
      return runSingle(redis, scripts.adapt(command), encoding);
    }
    const commands = parseCommandList(parseJsonBody(await readBody(req, maxBodyBytes))).map(scripts.adapt);
    assertAllowed(commands);
    stats.commands(route, commands.length);
    return route === 'pipeline' ? runPipeline(redis, commands, encoding) : runTransaction(redis, commands, encoding);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === HEALTH_PATH) {
      const up = await redis.ping(healthTimeoutMs);
      return send(res, up ? 200 : 503, up ? { status: 'ok' } : { error: 'Redis is unavailable' });
    }
    if (!checkToken(req.headers.authorization)) {
      stats.unauthorized();
      return send(res, 401, { error: 'Unauthorized: missing or wrong bearer token' });
    }
    if (path === STATS_PATH && method === 'GET') return send(res, 200, stats.snapshot());
    if (path === STATS_RESET_PATH && method === 'POST') {
      stats.reset();
      return send(res, 200, { result: 'OK' });
    }
    if (path.startsWith('/__quarry/')) return send(res, 404, { error: `No route ${method} ${path}` });
    const route = routeOf(method, path);
    if (!route) return send(res, 405, { error: `Method ${method} is not allowed on ${path}` });

    stats.request(route);
    try {
      const response = await runRoute(route, req, path, replyEncodingFromHeader(req.headers['upstash-encoding']));
      if (response.status >= 400) stats.failure(route);
      send(res, response.status, response.body);
    } catch (error) {
      stats.failure(route);
      throw error;
    }
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof RestError) return send(res, error.status, { error: error.message });
      logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'unexpected error in request');
      send(res, 500, { error: 'Internal server error' });
    });
  };
}
