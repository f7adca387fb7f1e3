import { makeDirectorySync } from '../make-directory.ts';
import { join } from 'node:path';
import DatabaseConstructor, { type Database } from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  sql,
  SqliteDialect,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import type { StoreSchema } from './schema.ts';

/** The database file inside the data directory (SQLite). */
export const STORE_FILE = 'footnote.db';

/** The channel `pg_notify` hints on after a change commits. */
export const CHANGES_CHANNEL = 'footnote_changes';

/** A running watch for changes other processes commit; `close` stops it. */
export interface ChangeWatch {
  close(): Promise<void>;
}

export interface WatchOptions {
  /** Called whenever there may be new changes: a notification, a reconnect, a poll tick. */
  onHint: () => void;
  /** The listening connection failed; it is being re-established. */
  onError?: ((error: Error) => void) | undefined;
  /** How often to look anyway (SQLite: the only way; PostgreSQL: in case a hint was lost). */
  pollMs?: number | undefined;
}

/**
 * Everything that differs between SQLite and PostgreSQL, in one place. The store, the migrations
 * and the feedback tables are written once against Kysely; they ask the dialect only for what SQL
 * cannot say the same way on both: an auto-increasing key, how a writer excludes other writers,
 * how other processes are told about a change, and how the database is checked and closed.
 */
export interface StoreDialect {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the store is, for messages: the data directory, or the URL without its password. */
  readonly where: string;
  readonly db: Kysely<StoreSchema>;
  /**
   * PostgreSQL: the schema the store lives in, where the migrator keeps its tables too (it
   * would otherwise take another schema's for its own). SQLite: undefined.
   */
  readonly schema: string | undefined;
  /** Adds `id`, an auto-increasing integer primary key, to a table being created. */
  idColumn<T extends string, C extends string>(
    table: CreateTableBuilder<T, C>,
  ): CreateTableBuilder<T, C | 'id'>;
  /**
   * Begins a transaction on `connection` that no other writer (of any process) runs beside: ids
   * of the changes table then commit in the order they are handed out, so a reader that saw id n
   * has seen every id below it.
   */
  beginWrite(connection: Kysely<StoreSchema>): Promise<void>;
  /** Inside a write: tells listening processes that change `id` is about to commit (a hint). */
  notify(connection: Kysely<StoreSchema>, id: number): Promise<void>;
  /** Watches for changes committed by other processes. */
  watch(options: WatchOptions): ChangeWatch;
  /**
   * Runs the migrator in one transaction that excludes other processes: PostgreSQL's Migrator
   * does so itself (transactional DDL, a lock row); Kysely leaves SQLite's steps outside any
   * transaction, so the dialect opens one around them all.
   */
  migrating<T>(body: () => Promise<T>): Promise<T>;
  /** Before migrating: adopts a database made by a Footnote older than the Kysely migrations. */
  adoptLegacy(migrationNames: readonly string[]): Promise<void>;
  /** After migrating: records the step count where older Footnotes look for it. */
  afterMigrate(steps: number): Promise<void>;
  /** "ok", or what is damaged. */
  integrityCheck(): Promise<string>;
  close(): Promise<void>;
}

export interface SqliteOptions {
  /** Test seam: runs on the connection after it is opened and migrated (pragmas, triggers). */
  configure?: ((db: Database) => void) | undefined;
}

/** SQLite in `dataDir`: WAL, full fsync, foreign keys on, one connection (Kysely's). */
export function sqliteDialect(dataDir: string): StoreDialect & { raw: Database } {
  makeDirectorySync(dataDir);
  const raw = new DatabaseConstructor(join(dataDir, STORE_FILE));
  try {
    raw.pragma('journal_mode = WAL');
    // FULL: a commit the caller was told about survives a power cut, not only a process crash.
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
  } catch (error) {
    raw.close();
    throw error;
  }
  const db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: raw }) });
  return {
    kind: 'sqlite',
    where: dataDir,
    db,
    schema: undefined,
    raw,
    idColumn: (table) =>
      table.addColumn('id', 'integer', (column: ColumnDefinitionBuilder) =>
        column.primaryKey().autoIncrement(),
      ),
    // IMMEDIATE takes the write lock first: no read-then-upgrade deadlock between processes.
    beginWrite: async (connection) => {
      await sql`begin immediate`.execute(connection);
    },
    // Other processes of the host poll: SQLite has no notifications between processes.
    notify: async () => {},
    watch: ({ onHint, pollMs = 200 }) => {
      const timer = setInterval(onHint, pollMs);
      timer.unref();
      return { close: async () => clearInterval(timer) };
    },
    migrating: async (body) => {
      raw.exec('BEGIN IMMEDIATE');
      try {
        const result = await body();
        raw.exec('COMMIT');
        return result;
      } catch (error) {
        if (raw.inTransaction) raw.exec('ROLLBACK');
        throw error;
      }
    },
    adoptLegacy: async (names) => {
      // Footnote before the Kysely migrations counted its steps in PRAGMA user_version.
      const version = raw.pragma('user_version', { simple: true }) as number;
      const known = raw
        .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`)
        .get();
      if (version === 0 || known) return;
      raw.exec(`CREATE TABLE kysely_migration (
                  name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`);
      const insert = raw.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)');
      // A version beyond the names known here stays unadopted: the migrator then refuses it.
      for (const name of names.slice(0, version)) insert.run(name, new Date().toISOString());
      if (version > names.length) insert.run(`${String(version).padStart(4, '0')}-unknown`, '');
    },
    afterMigrate: async (steps) => {
      raw.pragma(`user_version = ${steps}`);
    },
    integrityCheck: async () => String(raw.pragma('integrity_check', { simple: true })),
    close: () => db.destroy(),
  };
}

export interface PostgresOptions {
  /**
   * A schema of its own (created if missing) instead of the connection's default: tests give
   * each file one so they run in parallel against one database.
   */
  schema?: string | undefined;
  /** Most connections the pool opens (default 10). */
  maxConnections?: number | undefined;
}

/**
 * PostgreSQL's dialect, introspecting only the schema the store lives in. Kysely's own lists every
 * table of every schema of the database, which its migrator does at each start to find its two
 * tables: that grows with whatever else the database holds, and fails ("schema … does not
 * exist") when another schema is dropped during the query, as another Footnote's tests do.
 */
class OneSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OneSchemaIntrospector(db);
  }
}

class OneSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(
      this.#db,
    );
    return rows.flatMap(({ name }) => (name === null ? [] : [{ name }]));
  }

  /** The tables of the current schema, by name: the migrator reads nothing else. */
  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; isView: boolean }>`
      select table_name as name, table_schema as schema, table_type = 'VIEW' as "isView"
        from information_schema.tables where table_schema = current_schema()`.execute(this.#db);
    return rows.map((row) => ({ ...row, columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** PostgreSQL at `url`, through a `pg` pool; changes are announced with `pg_notify`. */
export async function postgresDialect(
  url: string,
  options: PostgresOptions = {},
): Promise<StoreDialect> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/u.test(schema))
    throw new Error(`schema name ${schema} is not a plain identifier`);
  const connection: pg.ClientConfig = {
    connectionString: url,
    application_name: schema ? `footnote:${schema}` : 'footnote',
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  if (schema) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({ ...connection, max: options.maxConnections ?? 10 });
  // An idle connection the server closed (restart, pg_terminate_backend) is dropped by the pool
  // and replaced on the next query; without a listener its error would end the process.
  pool.on('error', () => {});
  // A connection ended while checked out (between two queries of a transaction) emits its
  // error on the client, not the pool: its next query fails instead, and the pool replaces it.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<StoreSchema>({ dialect: new OneSchemaPostgresDialect({ pool }) });
  let current: string;
  try {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    current = rows[0]?.schema ?? 'public';
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const watches = new Set<ChangeWatch>();
  return {
    kind: 'postgres',
    where: redact(url),
    db,
    schema: current,
    idColumn: (table) =>
      table.addColumn('id', 'integer', (column: ColumnDefinitionBuilder) =>
        column.primaryKey().generatedByDefaultAsIdentity(),
      ),
    // One writer at a time per schema (an advisory lock held to the commit), so change ids
    // commit in order. The two-key form keeps clear of single-key locks others may take.
    beginWrite: async (connection) => {
      await sql`begin`.execute(connection);
      await sql`select pg_advisory_xact_lock(${WRITE_LOCK_CLASS}, hashtext(current_schema()))`.execute(
        connection,
      );
    },
    notify: async (connection, id) => {
      await sql`select pg_notify(${CHANGES_CHANNEL}, ${String(id)})`.execute(connection);
    },
    watch: (watchOptions) => {
      const watch = listen(connection, watchOptions);
      watches.add(watch);
      return {
        close: async () => {
          watches.delete(watch);
          await watch.close();
        },
      };
    },
    migrating: (body) => body(),
    adoptLegacy: async () => {},
    afterMigrate: async () => {},
    // PostgreSQL checks its pages itself (and with data checksums, on every read).
    integrityCheck: async () => {
      await sql`select 1`.execute(db);
      return 'ok';
    },
    close: async () => {
      await Promise.all([...watches].map((watch) => watch.close()));
      await db.destroy();
    },
  };
}

/** The first key of the store's advisory lock: "FtNt". */
const WRITE_LOCK_CLASS = 0x46744e74;

/**
 * LISTEN on a connection of its own, reconnecting (0.1 s, doubling to 5 s) whenever it drops. Every
 * (re)connection is a hint too: what was committed while it was down is caught up from the table.
 */
function listen(
  config: pg.ClientConfig,
  { onHint, onError, pollMs = 5_000 }: WatchOptions,
): ChangeWatch {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = 100;
  const poll = setInterval(onHint, pollMs);
  poll.unref();

  const reconnectLater = (error: Error) => {
    if (closed || retry) return;
    onError?.(error);
    client?.removeAllListeners();
    client?.on('error', () => {});
    void client?.end().catch(() => {});
    client = undefined;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    retry.unref();
    delay = Math.min(delay * 2, 5_000);
  };

  const connect = async () => {
    const next = new pg.Client(config);
    client = next;
    next.on('notification', () => onHint());
    next.on('error', reconnectLater);
    next.on('end', () => reconnectLater(new Error('the PostgreSQL connection for changes ended')));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (closed) return void (await next.end().catch(() => {}));
      delay = 100;
      onHint();
    } catch (error) {
      if (client === next) reconnectLater(error as Error);
    }
  };
  void connect();

  return {
    close: async () => {
      closed = true;
      clearInterval(poll);
      clearTimeout(retry);
      const last = client;
      client = undefined;
      last?.removeAllListeners();
      last?.on('error', () => {});
      await last?.end().catch(() => {});
    },
  };
}

/** The URL without user and password, for messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the PostgreSQL database';
  }
}
