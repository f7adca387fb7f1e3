import { defineConfig } from 'vitest/config';

// Store tests run against SQLite and PostgreSQL; without a database to test on (.ci/run sets the
// variable), the PostgreSQL half is skipped, and this says so once.
if (!process.env['FOOTNOTE_TEST_DATABASE_URL']?.trim())
  console.log('PostgreSQL store tests skipped: FOOTNOTE_TEST_DATABASE_URL is not set.');

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests start a local Discord stand-in and a real discord.js client.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
