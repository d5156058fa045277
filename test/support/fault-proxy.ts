/**
 * @module test/support/fault-proxy
 * An HTTP proxy in front of the REST server that makes the broker fail on the Nth request, for
 * tests of what the edge tells a client when the broker fails part-way (it runs in Node; the
 * edge under test may run in workerd and reaches it by URL).
 *
 * Each test uses its own lane: the client's base URL is `<proxy>/lane/<name>` (the Upstash
 * client appends `/pipeline`, `/multi-exec` to it), and `POST <proxy>/__fault/<name>` with
 * `{ nth, times, mode }` arms a fault on that lane's requests number nth … nth+times-1 counted
 * from the arming. Modes:
 *   - `refuse`: answer 503 without forwarding (Redis unreachable: nothing ran);
 *   - `drop-reply`: forward, wait for the REST server's answer, then cut the connection without
 *     replying (the commands ran, the client cannot know).
 * `GET <proxy>/__fault/<name>` returns `{ requests, faults }` seen on the lane since arming.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'refuse' | 'drop-reply';

export interface FaultRule {
  /** 1-based position, among the lane's requests since arming, of the first faulty one. */
  nth: number;
  /** How many consecutive requests fail (a client that retries a dropped reply sends another). */
  times?: number;
  mode: FaultMode;
}

export interface FaultProxy {
  readonly url: string;
  close(): Promise<void>;
}

interface Lane {
  rule?: Required<FaultRule>;
  requests: number;
  faults: number;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const lanes = new Map<string, Lane>();
  const lane = (name: string) => {
    let found = lanes.get(name);
    if (!found) lanes.set(name, (found = { requests: 0, faults: 0 }));
    return found;
  };

  const forward = (req: IncomingMessage, path: string, body: Buffer) => new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path, headers }, (response) => {
      readAll(response).then((data) => {
        const { 'content-type': type = 'application/json' } = response.headers;
        resolve({ status: response.statusCode ?? 502, headers: { 'content-type': String(type) }, body: data });
      }, reject);
    });
    upstream.once('error', reject);
    upstream.end(body);
  });

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://proxy').pathname;
      const control = /^\/__fault\/([\w-]+)$/.exec(path);
      if (control) {
        const state = lane(control[1]!);
        if (req.method === 'GET') return json(res, 200, { requests: state.requests, faults: state.faults });
        const rule = JSON.parse((await readAll(req)).toString()) as FaultRule;
        Object.assign(state, { rule: { times: 1, ...rule }, requests: 0, faults: 0 });
        return json(res, 200, { armed: state.rule });
      }
      const routed = /^\/lane\/([\w-]+)(\/.*)?$/.exec(path);
      if (!routed) return json(res, 404, { error: `use ${'<proxy>'}/lane/<name> as the REST URL` });
      const state = lane(routed[1]!);
      const body = await readAll(req);
      const position = ++state.requests;
      const rule = state.rule;
      const faulty = rule !== undefined && position >= rule.nth && position < rule.nth + rule.times;
      if (faulty && rule.mode === 'refuse') {
        state.faults++;
        return json(res, 503, { error: 'Redis is unavailable: fault injected by the test proxy' });
      }
      const reply = await forward(req, `${routed[2] ?? '/'}${new URL(req.url ?? '/', 'http://proxy').search}`, body);
      if (faulty) {
        state.faults++;
        res.socket?.destroy();
        return;
      }
      res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.body.length }).end(reply.body);
    })().catch((error: unknown) => {
      if (!res.headersSent) json(res, 502, { error: `fault proxy: ${(error as Error).message}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
