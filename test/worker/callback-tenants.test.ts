/**
 * Result callbacks are signed with the job's tenant's secret (QUARRY_CALLBACK_SECRETS), so a
 * tenant cannot make Quarry sign a body that another tenant's receiver accepts; tenants
 * without one share QUARRY_CALLBACK_SECRET. The body names the tenant.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { tenantTag } from '../../shared/tenant.ts';
import { verifyQuarry } from '../../shared/webhook-signature.ts';
import { HOST_A, HOST_B, jobData, jobOptions, startHarness, type Harness } from './harness.ts';

let h: Harness;
let receiver: Server;
let receiverUrl: string;
const deliveries: { body: { jobId: string; tenant?: string }; raw: string; signature: string }[] = [];

beforeAll(async () => {
  h = await startHarness();
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      deliveries.push({ raw, body: JSON.parse(raw) as { jobId: string }, signature: req.headers['quarry-signature'] as string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, HOST_B, resolve));
  receiverUrl = `http://${HOST_B}:${(receiver.address() as AddressInfo).port}/hook`;
  await h.startWorker({ callbackSecret: 'shared-secret', callbackSecrets: { 'tenant-a': ['a-secret', 'a-previous'] }, callbackBackoffMs: 50 });
});

afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Enqueues like the edge: a tagged id, and the tenant in the data unless `withTenant` is false. */
async function addJob(tenant: string, path: string, withTenant = true) {
  const data = { ...jobData({ url: h.site.url(HOST_A, path), callbackUrl: receiverUrl }), ...(withTenant ? { tenant } : {}) };
  const id = `${await tenantTag(tenant)}.${crypto.randomUUID()}`;
  await h.queue.add(data.request.mode, data, jobOptions(data.request, { jobId: id }));
  return waitFor(() => deliveries.find((d) => d.body.jobId === id), { description: `the callback of ${id}` });
}

const verify = (delivery: { raw: string; signature: string }, secret: string) =>
  verifyQuarry(delivery.signature, delivery.raw, { secrets: [secret] }).then((check) => check.ok);

describe('callback signing secrets per tenant', () => {
  it('signs a tenant\'s callback with its own secret, never the shared one, and names the tenant', async () => {
    const delivery = await addJob('tenant-a', '/page/1');
    expect(delivery.body.tenant).toBe('tenant-a');
    expect(await verify(delivery, 'a-secret')).toBe(true);
    expect(await verify(delivery, 'shared-secret')).toBe(false);
  });

  it('signs a tenant without an entry with the shared secret', async () => {
    const delivery = await addJob('tenant-b', '/page/2');
    expect(delivery.body.tenant).toBe('tenant-b');
    expect(await verify(delivery, 'shared-secret')).toBe(true);
    expect(await verify(delivery, 'a-secret')).toBe(false);
  });

  it('finds the tenant from the job id\'s tag when the job data has none', async () => {
    const delivery = await addJob('tenant-a', '/page/3', false);
    expect(delivery.body.tenant).toBe('tenant-a');
    expect(await verify(delivery, 'a-secret')).toBe(true);
  });
});
