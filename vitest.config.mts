import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['machines/**/*.test.ts', 'scripts/**/*.test.ts', 'content/**/*.test.ts', 'components/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['machines/testing/global-setup.ts'],
    // Each file boots its own PGlite (≈1–5 s); the default 5 s is too tight on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One fork per core. Vitest's default leaves one core to itself (cores - 1), which on the
    // 2-core machines here runs the files one at a time; the main process only collects results.
    maxWorkers: availableParallelism(),
  },
});
