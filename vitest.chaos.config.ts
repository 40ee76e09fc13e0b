import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: kills bot processes, restarts a Postgres cluster of its own, and floods the
 * engine with duplicate deliveries. The files run one after another: each loads this 2-core machine
 * on its own, and timing-sensitive chaos is easier to read that way. `CHAOS_SHORT=1` is the CI form.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});
