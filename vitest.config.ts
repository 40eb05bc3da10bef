import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the built CLI against an in-process simulator over mutual TLS.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
