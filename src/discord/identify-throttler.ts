import { setTimeout as sleep } from 'node:timers/promises';
import { SimpleIdentifyThrottler, type IIdentifyThrottler } from 'discord.js';
import pg from 'pg';
import { identifyBucket } from '../core/shard-slice.ts';
import type { Logger } from '../logger.ts';

/**
 * How long a concurrency bucket stays closed after one of its shards identifies: Discord's 5 s,
 * plus the half second discord.js's own throttler and the sharding manager keep in hand.
 */
export const IDENTIFY_WINDOW_MS = 5_500;

/**
 * The first key of every advisory lock Footnote takes for identifying (`'Fnot'` in ASCII); the
 * second is the bucket. Other applications' locks in the same database use other keys.
 */
export const IDENTIFY_LOCK_CLASS = 0x466e6f74;

export interface PostgresIdentifyThrottlerOptions {
  connectionString: string;
  /** `session_start_limit.max_concurrency` from `/gateway/bot`. */
  maxConcurrency: number;
  logger: Logger;
  /** Test seam: the window a bucket stays closed (default `IDENTIFY_WINDOW_MS`). */
  windowMs?: number;
  /** How often a shard waiting for a busy bucket tries again (default 250 ms). */
  pollMs?: number;
  /** Test seam: the first advisory lock key (default `IDENTIFY_LOCK_CLASS`). */
  lockClass?: number;
}

/**
 * Lets one shard per concurrency bucket identify every 5 s across every host that shares a
 * PostgreSQL database, as Discord requires (`bucket = shard_id % max_concurrency`).
 *
 * A shard takes the bucket's advisory lock on a connection of its own and identifies; the
 * connection closes `windowMs` later, which releases the lock for the bucket's next shard. A
 * process that dies lets the lock go with its connection. When PostgreSQL cannot be reached the
 * shard waits in discord.js's in-process throttler instead and a warning says so: identifying
 * late or twice in a bucket costs an invalid session, which discord.js retries, whereas not
 * identifying at all would keep the shard offline.
 *
 * @example
 * new Client({ intents, shards: [0, 1], shardCount: 4, ws: {
 *   buildIdentifyThrottler: async (manager) => new PostgresIdentifyThrottler({
 *     connectionString, logger,
 *     maxConcurrency: (await manager.fetchGatewayInformation()).session_start_limit.max_concurrency,
 *   }),
 * } });
 */
export class PostgresIdentifyThrottler implements IIdentifyThrottler {
  readonly #options: Required<PostgresIdentifyThrottlerOptions>;
  readonly #local: SimpleIdentifyThrottler;
  /** Connections holding (or waiting for) a bucket, closed early by `close()`. */
  readonly #open = new Set<pg.Client>();

  constructor(options: PostgresIdentifyThrottlerOptions) {
    this.#options = {
      windowMs: IDENTIFY_WINDOW_MS,
      pollMs: 250,
      lockClass: IDENTIFY_LOCK_CLASS,
      ...options,
    };
    this.#local = new SimpleIdentifyThrottler(Math.max(1, options.maxConcurrency));
  }

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const { connectionString, maxConcurrency, logger, windowMs, pollMs, lockClass } = this.#options;
    const bucket = identifyBucket(shardId, maxConcurrency);
    const connection = new pg.Client({ connectionString });
    // A connection terminated while it holds the lock has released it; nothing else to do.
    connection.on('error', () => {});
    const release = () => {
      this.#open.delete(connection);
      return connection.end().catch(() => {});
    };
    this.#open.add(connection);
    try {
      await connection.connect();
      for (;;) {
        signal.throwIfAborted();
        const { rows } = await connection.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1, $2) AS locked',
          [lockClass, bucket],
        );
        if (rows[0]?.locked) break;
        await sleep(pollMs, undefined, { signal });
      }
    } catch (error) {
      await release();
      if (signal.aborted) throw error;
      logger.warn(
        { err: error, shardId, bucket },
        'could not take the identify turn in PostgreSQL; using this process’s own throttle',
      );
      return this.#local.waitForIdentify(shardId, signal);
    }
    logger.debug({ shardId, bucket }, 'identify turn taken');
    // Closing the connection releases the lock: the bucket's next shard may go in a window.
    setTimeout(() => void release(), windowMs).unref();
  }

  /** Releases every bucket this process holds (at shutdown: it identifies no more). */
  async close(): Promise<void> {
    await Promise.all(
      [...this.#open].map((connection) => {
        this.#open.delete(connection);
        return connection.end().catch(() => {});
      }),
    );
  }
}
