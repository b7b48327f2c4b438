import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end suites start real HTTP servers, PGlite instances and child processes.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Say loudly when the real-server run was asked for but its server is not there (never skip).
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
