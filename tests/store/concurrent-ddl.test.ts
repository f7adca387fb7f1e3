// Several Footnotes (or test suites) share one PostgreSQL database, each in its own schema. Kysely's
// migrator lists every table of every schema to find its own, so a schema dropped elsewhere at
// that moment must not stop a store from opening.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.ts';

const TEST_DATABASE_URL = process.env['FOOTNOTE_TEST_DATABASE_URL']?.trim() || undefined;
const prefix = `t_ddl_${process.pid}`;

describe.skipIf(!TEST_DATABASE_URL)('a store opening while other schemas come and go', () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    const { rows } = await admin.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1',
      [`${prefix}%`],
    );
    for (const { name } of rows) await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await admin.end();
  });

  it('opens every time while another client creates and drops schemas with tables', async () => {
    let churning = true;
    const churn = (async () => {
      for (let round = 0; churning; round++) {
        const schema = `${prefix}_churn_${round}`;
        await admin.query(`CREATE SCHEMA ${schema}`);
        await admin.query(`CREATE TABLE ${schema}.t (id serial PRIMARY KEY, note text)`);
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        // Another suite's schemas come and go often, but not back to back.
        await new Promise((resolveLater) => setTimeout(resolveLater, 10));
      }
    })();
    const failures: string[] = [];
    try {
      for (let attempt = 0; attempt < 25; attempt++) {
        try {
          const store = await openStore('', {
            databaseUrl: TEST_DATABASE_URL,
            schema: `${prefix}_store_${attempt}`,
          });
          await store.close();
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    } finally {
      churning = false;
      await churn;
    }
    expect(failures).toEqual([]);
  });
});
