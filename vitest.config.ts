/**
 * Test projects: `node` runs unit, integration and end-to-end suites in Node 24; `edge` runs
 * the Hono app inside workerd (Cloudflare's runtime) against real Redis behind the local
 * Upstash-compatible REST server, started by the edge project's global setup.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/edge/**', 'node_modules/**'],
          environment: 'node',
          pool: 'forks',
          // One file at a time: the suites start real fleets (redis, workerd, Chromium) and the
          // politeness tests judge timing at the site; two such files on 2 cores distort both.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './infra/wrangler.jsonc' },
            miniflare: {
              bindings: {
                UPSTASH_REDIS_REST_URL: inject('brokerRestUrl'),
                UPSTASH_REDIS_REST_TOKEN: inject('restToken'),
                RESULT_UPSTASH_REDIS_REST_URL: inject('resultsRestUrl'),
                RESULT_UPSTASH_REDIS_REST_TOKEN: inject('restToken'),
                // The main test key is an admin (it sees every tenant); the tenancy suite adds
                // two tenants, one of them with two keys (a rotation), and a key of its own.
                API_KEYS: [
                  `${inject('apiKey')}#enqueue+read+admin+robots:ignore`,
                  `${inject('apiKey')}-read#read`,
                  `${inject('apiKey')}-a1#enqueue+read@tenant-a`,
                  `${inject('apiKey')}-a2#enqueue+read@tenant-a`,
                  `${inject('apiKey')}-b#enqueue+read@tenant-b`,
                  `${inject('apiKey')}-own`,
                  `sha256:${'0'.repeat(64)}`,
                ].join(','),
              },
            },
          })),
        ],
        test: {
          name: 'edge',
          include: ['test/edge/**/*.test.ts'],
          globalSetup: ['test/edge/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
