/**
 * Test projects: `node` runs unit, integration and end-to-end suites in Node 24;
 * `edge` runs the Hono app inside workerd (added by the edge suite's own config).
 */
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
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
