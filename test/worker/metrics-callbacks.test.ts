/**
 * quarry_callback_deliveries_total counts each result-callback attempt by outcome.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { HOST_A, HOST_B, startHarness, type Harness } from './harness.ts';

let h: Harness;
let receiver: Server;
let receiverUrl: string;
let failFirst = 1;

beforeAll(async () => {
  h = await startHarness();
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(failFirst-- > 0 ? 500 : 204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, HOST_B, resolve));
  receiverUrl = `http://${HOST_B}:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('quarry_callback_deliveries_total', () => {
  it('counts a failed and a delivered attempt', async () => {
    const healthPort = await freePort();
    await h.startWorker({ healthPort, healthHost: '127.0.0.1', callbackSecret: 'cb-secret', callbackBackoffMs: 20, callbackAttempts: 3 });
    await h.add({ url: h.site.url(HOST_A, '/page/5'), callbackUrl: receiverUrl });
    const metrics = () => fetch(`http://127.0.0.1:${healthPort}/metrics`).then((res) => res.text());
    const text = await waitFor(async () => {
      const now = await metrics();
      return /quarry_callback_deliveries_total\{outcome="delivered"\} 1/.test(now) ? now : undefined;
    }, { description: 'a delivered callback on /metrics' });
    expect(text).toMatch(/quarry_callback_deliveries_total\{outcome="failed"\} 1/);
  });
});
