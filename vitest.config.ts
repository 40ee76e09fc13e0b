import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Chaos tests kill processes and restart servers; they run on their own (npm run test:chaos).
    exclude: ['test/chaos/**', 'node_modules/**'],
  },
});
