import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresIdentifyThrottler } from '../../src/discord/identify-throttler.ts';
import { createLogger } from '../../src/logger.ts';

const databaseUrl = process.env['FOOTNOTE_TEST_DATABASE_URL'];
if (!databaseUrl)
  console.warn(
    'tests/scale/identify-throttler.test.ts skipped: FOOTNOTE_TEST_DATABASE_URL is not set',
  );

/**
 * A lock key of this run's own: advisory locks are shared by everything using the database,
 * including this file in another `npm test` running beside this one.
 */
const LOCK_CLASS = 0x5343_0000 + (process.pid % 0x1_0000);
const WINDOW_MS = 1_000;
const silent = createLogger('silent');

/** One host's throttler: its own connections to the shared database. */
const host = (options: Partial<ConstructorParameters<typeof PostgresIdentifyThrottler>[0]> = {}) =>
  new PostgresIdentifyThrottler({
    connectionString: databaseUrl!,
    maxConcurrency: 2,
    logger: silent,
    windowMs: WINDOW_MS,
    pollMs: 20,
    lockClass: LOCK_CLASS,
    ...options,
  });

describe.skipIf(!databaseUrl)('identify turns through PostgreSQL advisory locks', () => {
  const hosts: PostgresIdentifyThrottler[] = [];
  const make = (...args: Parameters<typeof host>) => {
    const throttler = host(...args);
    hosts.push(throttler);
    return throttler;
  };
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(hosts.map((throttler) => throttler.close()));
    await admin?.end();
  });

  it('keeps two shards of one bucket on two hosts a window apart, and lets other buckets go', async () => {
    const [a, b] = [make(), make()];
    const signal = new AbortController().signal;
    const finished: Array<{ shard: number; at: number }> = [];
    const turn = (throttler: PostgresIdentifyThrottler, shard: number) =>
      throttler.waitForIdentify(shard, signal).then(() => finished.push({ shard, at: Date.now() }));
    // Shards 0 and 2 share bucket 0 (max_concurrency 2); shard 1 is bucket 1.
    await turn(a, 0);
    await Promise.all([turn(b, 2), turn(b, 1)]);
    expect(finished.map(({ shard }) => shard)).toEqual([0, 1, 2]);
    const at = (shard: number) => finished.find((entry) => entry.shard === shard)!.at;
    expect(at(2) - at(0)).toBeGreaterThanOrEqual(WINDOW_MS);
  });

  it('holds the bucket in the database, where every host sees it', async () => {
    const throttler = make({ windowMs: 30_000 });
    await throttler.waitForIdentify(4, new AbortController().signal);
    const { rows } = await admin.query<{ objid: number }>(
      "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted",
      [LOCK_CLASS],
    );
    expect(rows.map((row) => Number(row.objid))).toContain(0);
    await throttler.close();
    const after = await admin.query(
      "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = 0 AND granted",
      [LOCK_CLASS],
    );
    expect(after.rowCount).toBe(0);
  });

  it('stops waiting when the shard closes meanwhile', async () => {
    const holder = make({ windowMs: 30_000 });
    await holder.waitForIdentify(1, new AbortController().signal);
    const waiting = new AbortController();
    const turn = make().waitForIdentify(3, waiting.signal);
    waiting.abort();
    await expect(turn).rejects.toThrow();
    await holder.close();
  });

  it('frees the bucket when the holding process’s connection is terminated', async () => {
    const holder = make({ windowMs: 30_000 });
    await holder.waitForIdentify(0, new AbortController().signal);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND classid = $1 AND objid = 0 AND granted`,
      [LOCK_CLASS],
    );
    await make().waitForIdentify(2, new AbortController().signal);
    await holder.close();
  });
});

describe('without PostgreSQL', () => {
  it('identifies through this process’s own throttle, and says so', async () => {
    const warnings: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => void warnings.push(line) });
    const throttler = new PostgresIdentifyThrottler({
      // Nothing listens on port 1.
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      maxConcurrency: 1,
      logger,
    });
    await throttler.waitForIdentify(0, new AbortController().signal);
    expect(warnings.join('')).toContain('using this process’s own throttle');
  });
});
