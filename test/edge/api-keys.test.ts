/**
 * API_KEYS entries: `<key>[#scope+scope…][@tenant]`, each key in a tenant of its own unless
 * it names one.
 */
import { describe, expect, it } from 'vitest';
import { parseApiKeys } from '../../edge/src/auth/api-keys.ts';
import { tenantTag } from '../../shared/tenant.ts';

describe('parseApiKeys', () => {
  it('reads scopes and tenant; a key without @tenant is its own tenant (its id)', async () => {
    const [named, bare, hashed] = await parseApiKeys(`k1#read@acme, k2, sha256:${'ab'.repeat(32)}@acme`);
    expect(named).toMatchObject({ scopes: new Set(['read']), tenant: { name: 'acme', tag: await tenantTag('acme') } });
    expect(bare!.scopes).toEqual(new Set(['enqueue', 'read']));
    expect(bare!.tenant.name).toBe(bare!.id);
    expect(bare!.tenant.tag).toMatch(/^[0-9a-f]{12}$/);
    expect(hashed!.tenant).toEqual(named!.tenant);
  });

  it.each([
    ['k#read@Acme-Secretish', /invalid tenant/],
    ['k@acme#read', /invalid tenant/],
    ['k#read@', /invalid tenant/],
    ['k#read+root@acme', /unknown scope "root"/],
  ])('refuses %s without quoting what follows the @', async (entry, message) => {
    const error = await parseApiKeys(entry).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/Secretish|acme#read/);
  });
});
