// The store backends every store test runs against: SQLite always; PostgreSQL when
// FOOTNOTE_TEST_DATABASE_URL is set (`.ci/run` sets it). Each store gets a schema of its own,
// named after the test file, this process and a counter, so files (and worktrees) run in
// parallel against one database; the schemas are dropped when the file ends.
import { basename } from 'node:path';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/store.ts';

export const TEST_DATABASE_URL = process.env['FOOTNOTE_TEST_DATABASE_URL']?.trim() || undefined;

export interface Backend {
  name: 'SQLite' | 'PostgreSQL';
  /** Skipped: PostgreSQL without FOOTNOTE_TEST_DATABASE_URL. */
  skip: boolean;
  /**
   * A new, empty store: SQLite in `dataDir`, or a fresh PostgreSQL schema. Stores opened again
   * with `options.schema` of an earlier one (PostgreSQL) or the same `dataDir` see its data.
   */
  open(dataDir: string, options?: OpenStoreOptions): Promise<Store>;
  /** The options that reach the same PostgreSQL schema from another Store or process. */
  newLocation(): OpenStoreOptions;
}

/**
 * The backends, for `describe.each(storeBackends(import.meta.url))('$name', …)`. Call
 * `describe.skipIf(backend.skip)` inside, so the PostgreSQL suite shows as skipped when the
 * variable is not set (vitest.config.ts prints one line saying so).
 */
export function storeBackends(fileUrl: string): Backend[] {
  const prefix = `t_${basename(fileUrl)
    .replace(/\.test\.ts$/u, '')
    .replace(/[^a-z0-9]+/giu, '_')
    .toLowerCase()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  let counter = 0;
  const schemas: string[] = [];
  afterAll(async () => {
    if (!TEST_DATABASE_URL || schemas.length === 0) return;
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
  const newLocation = (): OpenStoreOptions => {
    const schema = `${prefix}_${++counter}`;
    schemas.push(schema);
    return { databaseUrl: TEST_DATABASE_URL, schema };
  };
  return [
    {
      name: 'SQLite',
      skip: false,
      open: (dataDir, options) => openStore(dataDir, options),
      newLocation: () => ({}),
    },
    {
      name: 'PostgreSQL',
      skip: TEST_DATABASE_URL === undefined,
      open: (dataDir, options) => openStore(dataDir, { ...newLocation(), ...options }),
      newLocation,
    },
  ];
}

/** Ends every PostgreSQL connection of a store's schema, as a restart or failover would. */
export async function terminateConnections(schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = $1 AND pid <> pg_backend_pid()`,
      [`footnote:${schema}`],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * `describe.each` over the backends: the body runs once per backend, and the PostgreSQL suite
 * shows as skipped when FOOTNOTE_TEST_DATABASE_URL is not set.
 */
export function describeEachBackend(fileUrl: string, body: (backend: Backend) => void): void {
  describe.each(storeBackends(fileUrl))('$name', (backend) => {
    describe.skipIf(backend.skip)(
      backend.skip ? 'skipped: FOOTNOTE_TEST_DATABASE_URL is not set' : 'store',
      () => body(backend),
    );
  });
}
