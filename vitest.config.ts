import { defineConfig } from 'vitest/config';

// Store tests run against SQLite and PostgreSQL; without a database to test on (.ci/run sets the
// variable), the PostgreSQL half is skipped, and this says so once.
if (!process.env['FOOTNOTE_TEST_DATABASE_URL']?.trim())
  console.log('PostgreSQL store tests skipped: FOOTNOTE_TEST_DATABASE_URL is not set.');

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests start a local Discord stand-in, a real discord.js client and sometimes
    // whole processes. These limits only catch hangs (tests/deadlines.ts waits up to 90 s for
    // what will happen): speed is measured by `npm run bench`, not here.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
