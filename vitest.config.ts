import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests start a local Discord stand-in and a real discord.js client.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
