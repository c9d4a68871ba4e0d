import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits on real threads, processes and Chromium; on a 2-core machine running
    // two test files at once, vitest's default second is too short to be sure of.
    expect: { poll: { timeout: 10_000 } },
  },
});
