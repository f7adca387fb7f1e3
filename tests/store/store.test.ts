import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/core/content-hash.ts';
import { documentId } from '../../src/store/document-id.ts';
import { StoreError } from '../../src/store/errors.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import {
  DuplicateDocumentError,
  openStore,
  STORE_FILE,
  type NewDocument,
  type OpenStoreOptions,
  type Store,
} from '../../src/store/store.ts';
import { urlKey } from '../../src/store/url-key.ts';
import { describeEachBackend, type Backend } from './backends.ts';
import { GLOBAL_SCOPE, guildScope } from '../../src/core/scope.ts';

const GUILD_A = '111111111111111111';
const GUILD_B = '222222222222222222';
let dataDir: string;
const opened: Store[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-store-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** By id, for comparing lists whose order is not the point. */
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

function newDocument(overrides: Partial<NewDocument> & { text?: string } = {}): NewDocument {
  const text = overrides.text ?? 'The ferry leaves Saltmarsh Bay at nine.';
  return {
    id: 'ferry-notes-abc123',
    scope: guildScope(GUILD_A),
    origin: 'server',
    title: 'Ferry notes',
    language: 'en',
    source: { kind: 'url', ref: 'https://harbour.example/ferry' },
    urls: ['https://harbour.example/ferry'],
    ...overrides,
    text,
    contentHash: contentHash(text),
  };
}

/** Everything the store holds, to compare before and after a failed write. */
async function snapshot(store: Store) {
  return {
    documents: await store.allDocuments(),
    history: await store.history(undefined, 1000),
    changes: await store.changesSince(0),
  };
}

describeEachBackend(import.meta.url, (backend: Backend) => {
  /** A new empty store of this backend; `location` reaches an earlier one again. */
  async function open(location?: OpenStoreOptions): Promise<Store> {
    const store = await backend.open(dataDir, location);
    opened.push(store);
    return store;
  }
  /** A location (SQLite: the test's data directory; PostgreSQL: a schema) to open twice. */
  const location = (): OpenStoreOptions => backend.newLocation();

  describe('openStore and migrations', () => {
    it('reopens an existing store without migrating it again, keeping its documents', async () => {
      const where = location();
      await (await open(where)).addDocument(newDocument(), { actor: 'u1' });
      await opened.pop()?.close();
      const again = await open(where);
      expect((await again.listDocuments()).map((document) => document.id)).toEqual([
        'ferry-notes-abc123',
      ]);
    });

    it('runs pending steps in one transaction: a failing step leaves the store as it was', async () => {
      const where = location();
      const failing = {
        name: '0099-fails-half-way',
        up: async (db: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) => {
          await db.schema.createTable('half_done').addColumn('x', 'text').execute();
          throw new Error('disk on fire');
        },
      };
      await expect(open({ ...where, migrations: [...MIGRATIONS, failing] })).rejects.toThrow(
        'disk on fire',
      );
      const store = await open(where);
      const tables = await store.read((db) => db.introspection.getTables());
      expect(tables.map((table) => table.name)).not.toContain('half_done');
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining(['audit', 'changes', 'document_urls', 'documents', 'gaps']),
      );
    });

    it('refuses a store written by a newer Footnote', async () => {
      const where = location();
      const store = await open(where);
      await store.read((db) =>
        sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '')`.execute(
          db,
        ),
      );
      await opened.pop()?.close();
      await expect(open(where)).rejects.toThrow(
        new StoreError(
          `The database has schema step 9999-from-the-future, newer than this Footnote understands (${MIGRATIONS.at(-1)!.name}); upgrade Footnote.`,
        ),
      );
    });
  });

  describe('document origins', () => {
    it('keeps who added a document apart from who sees it, and reads it back', async () => {
      const store = await open();
      await store.addDocument(newDocument({ id: 'moderator-note' }), { actor: 'user-1' });
      await store.addDocument(
        newDocument({ id: 'operator-note', origin: 'operator', text: 'Other text.', urls: [] }),
        { actor: 'cli:ops' },
      );
      await store.addDocument(
        newDocument({
          id: 'everywhere-note',
          scope: GLOBAL_SCOPE,
          origin: 'operator',
          text: 'Third text.',
          urls: [],
        }),
        { actor: 'cli:ops' },
      );
      const listed = await store.listDocuments();
      expect(listed.map(({ id, scope, origin }) => ({ id, scope, origin })).sort(byId)).toEqual([
        { id: 'everywhere-note', scope: GLOBAL_SCOPE, origin: 'operator' },
        { id: 'moderator-note', scope: guildScope(GUILD_A), origin: 'server' },
        { id: 'operator-note', scope: guildScope(GUILD_A), origin: 'operator' },
      ]);
      expect((await store.getDocument('operator-note'))?.origin).toBe('operator');
      expect((await store.allDocuments()).map((document) => document.origin).sort()).toEqual([
        'operator',
        'operator',
        'server',
      ]);
    });

    it('refuses a document for every server that a server added', async () => {
      const store = await open();
      await expect(
        store.addDocument(newDocument({ scope: GLOBAL_SCOPE, origin: 'server' }), {
          actor: 'user-1',
        }),
      ).rejects.toThrow(/only the operator adds documents for every server/);
      expect(await store.listDocuments()).toEqual([]);
    });

    it('backfills the origin of documents stored before origins were (step 0005)', async () => {
      const where = location();
      const before = await open({ ...where, migrations: MIGRATIONS.slice(0, 4) });
      // Rows as that Footnote wrote them: the actor is a Discord user id, or `cli:<user>`
      // (`cli` when the login name was unknown) for the operator.
      await before.transaction('write old rows', (db) =>
        sql`INSERT INTO documents (id, guild_id, title, language, text, content_hash,
              source_kind, source_ref, added_by, added_at)
            VALUES
              ('by-moderator', ${GUILD_A}, 'A', 'en', 'a', 'h1', 'text', 'pasted', '123456789012345678', '2024-01-01'),
              ('by-operator-here', ${GUILD_A}, 'B', 'en', 'b', 'h2', 'text', 'pasted', 'cli:ops', '2024-01-02'),
              ('by-operator-unnamed', ${GUILD_B}, 'C', 'en', 'c', 'h3', 'text', 'pasted', 'cli', '2024-01-03'),
              ('for-everyone', NULL, 'D', 'en', 'd', 'h4', 'text', 'pasted', 'cli:ops', '2024-01-04')`.execute(
          db,
        ),
      );
      await opened.pop()?.close();
      const upgraded = await open(where);
      const origins = (await upgraded.listDocuments()).map(({ id, origin }) => [id, origin]);
      expect(origins.sort()).toEqual([
        ['by-moderator', 'server'],
        ['by-operator-here', 'operator'],
        ['by-operator-unnamed', 'operator'],
        ['for-everyone', 'operator'],
      ]);
    });
  });

  describe('Store writes', () => {
    it('stores a document, its addresses, its audit entry and its change together', async () => {
      const store = await open();
      const at = new Date('2024-05-02T10:00:00Z');
      const stored = await store.addDocument(newDocument({ author: 'Harbour Office' }), {
        actor: 'user-1',
        at,
      });
      expect(stored).toMatchObject({
        id: 'ferry-notes-abc123',
        scope: guildScope(GUILD_A),
        origin: 'server',
        author: 'Harbour Office',
        site: undefined,
        addedBy: 'user-1',
        addedAt: '2024-05-02T10:00:00.000Z',
        source: { kind: 'url', ref: 'https://harbour.example/ferry' },
        text: 'The ferry leaves Saltmarsh Bay at nine.',
        length: 39,
      });
      expect(await store.history()).toEqual([
        {
          id: 1,
          action: 'add',
          documentId: 'ferry-notes-abc123',
          scope: guildScope(GUILD_A),
          actor: 'user-1',
          at: '2024-05-02T10:00:00.000Z',
          source: 'url: https://harbour.example/ferry',
          contentHash: stored.contentHash,
          title: 'Ferry notes',
        },
      ]);
      expect(await store.changesSince(0)).toEqual([
        {
          id: 1,
          kind: 'add',
          documentId: 'ferry-notes-abc123',
          scope: guildScope(GUILD_A),
          at: '2024-05-02T10:00:00.000Z',
        },
      ]);
    });

    it('refuses a hash that does not match the text', async () => {
      const store = await open();
      await expect(
        store.addDocument({ ...newDocument(), contentHash: contentHash('other') }, { actor: 'u1' }),
      ).rejects.toThrow(/content hash/);
    });

    it('removes a document of its own scope, with an audit entry and a change, and nothing of another scope', async () => {
      const store = await open();
      await store.addDocument(newDocument(), { actor: 'u1' });
      expect(
        await store.removeDocument('ferry-notes-abc123', guildScope(GUILD_B), 'intruder'),
      ).toBeUndefined();
      expect(
        await store.removeDocument('ferry-notes-abc123', GLOBAL_SCOPE, 'operator'),
      ).toBeUndefined();
      expect(await store.history()).toHaveLength(1);
      expect(
        (await store.removeDocument('ferry-notes-abc123', guildScope(GUILD_A), 'mod'))?.title,
      ).toBe('Ferry notes');
      expect(await store.hasDocument('ferry-notes-abc123')).toBe(false);
      expect(
        (await store.history(guildScope(GUILD_A))).map((entry) => [entry.action, entry.actor]),
      ).toEqual([
        ['remove', 'mod'],
        ['add', 'u1'],
      ]);
      expect((await store.changesSince(1)).map((change) => [change.id, change.kind])).toEqual([
        [2, 'remove'],
      ]);
      // The addresses went with the document: the same URL can be added again.
      expect(
        await store.findDuplicate({
          urls: ['https://harbour.example/ferry'],
          contentHash: 'x',
          scope: guildScope(GUILD_A),
        }),
      ).toBeUndefined();
    });

    it('takes back an add with undoAdd, telling other processes with a remove change', async () => {
      const store = await open();
      const before = await snapshot(store);
      await store.addDocument(newDocument(), { actor: 'u1' });
      await store.undoAdd('ferry-notes-abc123');
      const after = await snapshot(store);
      expect({ ...after, changes: [] }).toEqual({ ...before, changes: [] });
      expect(after.changes.map((change) => change.kind)).toEqual(['add', 'remove']);
    });

    it('lists and shows history per scope, the operator’s scope being null', async () => {
      const store = await open();
      await store.addDocument(newDocument({ id: 'a', text: 'Text A.' }), { actor: 'u1' });
      await store.addDocument(
        newDocument({ id: 'b', scope: guildScope(GUILD_B), text: 'Text B.', urls: [] }),
        { actor: 'u2' },
      );
      await store.addDocument(
        newDocument({
          id: 'c',
          scope: GLOBAL_SCOPE,
          origin: 'operator',
          text: 'Text C.',
          urls: [],
        }),
        {
          actor: 'cli:ops',
        },
      );
      const ids = (documents: { id: string }[]) => documents.map((document) => document.id);
      expect(ids(await store.listDocuments(guildScope(GUILD_A)))).toEqual(['a']);
      expect(ids(await store.listDocuments(GLOBAL_SCOPE))).toEqual(['c']);
      expect(await store.listDocuments()).toHaveLength(3);
      expect((await store.history(guildScope(GUILD_B))).map((entry) => entry.documentId)).toEqual([
        'b',
      ]);
      expect((await store.history(undefined, 2)).map((entry) => entry.documentId)).toEqual([
        'c',
        'b',
      ]);
    });

    it('finds the stored ids that start with a prefix, wildcards taken literally', async () => {
      const store = await open();
      await store.addDocument(newDocument({ id: 'ferry-abc123', urls: [] }), { actor: 'u1' });
      await store.addDocument(newDocument({ id: 'ferry-abc12345', text: 'Other.', urls: [] }), {
        actor: 'u1',
      });
      expect(await store.idsStartingWith('ferry-abc123')).toEqual(
        new Set(['ferry-abc123', 'ferry-abc12345']),
      );
      expect(await store.idsStartingWith('ferry_abc')).toEqual(new Set());
      expect(await store.idsStartingWith('%')).toEqual(new Set());
    });
  });

  describe('Store duplicates', () => {
    it('refuses the same text or the same address again, naming the existing document', async () => {
      const store = await open();
      await store.addDocument(newDocument(), { actor: 'u1' });
      const refusal = (document: NewDocument) =>
        store.addDocument(document, { actor: 'u1' }).then(
          () => undefined,
          (error: unknown) => error,
        );
      const sameText = await refusal(newDocument({ id: 'other', urls: [] }));
      expect(sameText).toBeInstanceOf(DuplicateDocumentError);
      expect((sameText as DuplicateDocumentError).duplicate).toEqual({
        reason: 'content',
        document: expect.objectContaining({ id: 'ferry-notes-abc123', title: 'Ferry notes' }),
      });
      const sameUrl = await refusal(
        newDocument({
          id: 'other',
          text: 'Different text.',
          urls: ['HTTPS://HARBOUR.example:443/ferry/#today'],
        }),
      );
      expect((sameUrl as DuplicateDocumentError).duplicate).toEqual({
        reason: 'url',
        document: expect.objectContaining({ id: 'ferry-notes-abc123' }),
      });
      expect(await store.listDocuments()).toHaveLength(1);
      expect(await store.changesSince(0)).toHaveLength(1);
    });

    it('refuses in the same transaction what the caller holds elsewhere (the shipped corpus)', async () => {
      const store = await open();
      const shipped = { id: 'lighthouse', title: 'The lighthouse' };
      const alsoDuplicates = (query: { contentHash: string }) =>
        query.contentHash === contentHash('Shipped text.')
          ? { reason: 'content' as const, document: shipped }
          : undefined;
      const document = newDocument({ id: 'copy', text: 'Shipped text.', urls: [] });
      const error = await store
        .addDocument(document, { actor: 'u1' }, { alsoDuplicates })
        .catch((caught: unknown) => caught);
      expect((error as DuplicateDocumentError).duplicate).toEqual({
        reason: 'content',
        document: shipped,
      });
      expect(await store.findDuplicate(document, alsoDuplicates)).toEqual({
        reason: 'content',
        document: shipped,
      });
      expect(await store.listDocuments()).toEqual([]);
      expect(await store.changesSince(0)).toEqual([]);
    });

    it('keeps servers apart: another server may add the same text; an operator’s document counts everywhere', async () => {
      const store = await open();
      await store.addDocument(newDocument(), { actor: 'u1' });
      const query = {
        urls: ['https://harbour.example/ferry'],
        contentHash: contentHash('The ferry leaves Saltmarsh Bay at nine.'),
      };
      expect(await store.findDuplicate({ ...query, scope: guildScope(GUILD_B) })).toBeUndefined();
      expect((await store.findDuplicate({ ...query, scope: guildScope(GUILD_A) }))?.reason).toBe(
        'url',
      );
      // The operator adds for every server, so any server's copy is a duplicate.
      expect((await store.findDuplicate({ ...query, scope: GLOBAL_SCOPE }))?.document.id).toBe(
        'ferry-notes-abc123',
      );
      await store.addDocument(
        newDocument({
          id: 'ops',
          scope: GLOBAL_SCOPE,
          origin: 'operator',
          text: 'Shared text.',
          urls: [],
        }),
        { actor: 'cli' },
      );
      expect(
        (
          await store.findDuplicate({
            contentHash: contentHash('Shared text.'),
            scope: guildScope(GUILD_B),
          })
        )?.document.id,
      ).toBe('ops');
    });

    // Two connections in one process: on SQLite, the second's BEGIN IMMEDIATE would block this
    // thread until the busy timeout while the first waits for it, so there processes are needed
    // (the crash test runs a writer process); PostgreSQL's connections are asynchronous.
    it.skipIf(backend.name === 'SQLite')(
      'lets only one of two stores adding the same text at once succeed',
      async () => {
        const where = location();
        const first = await open(where);
        const second = await open(where);
        const results = await Promise.allSettled([
          first.addDocument(newDocument({ id: 'one', urls: [] }), { actor: 'u1' }),
          second.addDocument(newDocument({ id: 'two', urls: [] }), { actor: 'u2' }),
        ]);
        expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(
          results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : [])),
        ).toEqual([expect.any(DuplicateDocumentError)]);
        expect(await first.listDocuments()).toHaveLength(1);
      },
    );
  });
});

describe('SQLite only', () => {
  async function open(options?: OpenStoreOptions): Promise<Store> {
    const store = await openStore(dataDir, options);
    opened.push(store);
    return store;
  }

  it('creates the database in WAL mode, recording the step count for older Footnotes', async () => {
    await (await open()).close();
    const db = new DatabaseConstructor(join(dataDir, STORE_FILE), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('adopts a database of the Footnote before Kysely (user_version 2) and adds the changes table', async () => {
    const store = await open();
    await store.addDocument(newDocument(), { actor: 'u1' });
    await opened.pop()?.close();
    // What that Footnote left: its tables and user_version 2, no migration table, no changes.
    const db = new DatabaseConstructor(join(dataDir, STORE_FILE));
    db.exec(
      'DROP TABLE kysely_migration; DROP TABLE kysely_migration_lock; DROP TABLE changes; DROP TABLE answers',
    );
    db.exec('ALTER TABLE documents DROP COLUMN origin');
    db.pragma('user_version = 2');
    db.close();
    const adopted = await open();
    expect((await adopted.listDocuments()).map((document) => document.id)).toEqual([
      'ferry-notes-abc123',
    ]);
    expect(await adopted.lastChangeId()).toBe(0);
    // Step 0005 ran on it: a Discord user id added it.
    expect((await adopted.getDocument('ferry-notes-abc123'))?.origin).toBe('server');
    await adopted.removeDocument('ferry-notes-abc123', guildScope(GUILD_A), 'mod');
    expect((await adopted.changesSince(0)).map((change) => change.kind)).toEqual(['remove']);
  });

  it('refuses a database a newer Footnote before Kysely numbered beyond what it knows', async () => {
    new DatabaseConstructor(join(dataDir, STORE_FILE)).pragma('user_version = 99');
    await expect(open()).rejects.toThrow(/schema step 0099-unknown, newer than this Footnote/);
  });

  it('says clearly when the data directory cannot be created', async () => {
    await writeFile(join(dataDir, 'file'), 'in the way');
    await expect(openStore(join(dataDir, 'file', 'data'))).rejects.toThrow(
      /^Could not open the document store in .*file\/data: a part of the path is not a directory\.$/,
    );
  });

  it('says clearly when the file is not a database', async () => {
    await writeFile(join(dataDir, STORE_FILE), 'not a database, just text '.repeat(100));
    await expect(open()).rejects.toThrow(/the file is not a SQLite database\.$/);
  });

  it('writes nothing when the audit entry fails: document, audit and change share one transaction', async () => {
    const store = await open({
      configure: (db) =>
        db.exec(`CREATE TEMP TRIGGER audit_fails BEFORE INSERT ON audit
                 BEGIN SELECT RAISE(ABORT, 'audit disk on fire'); END`),
    });
    const before = await snapshot(store);
    await expect(store.addDocument(newDocument(), { actor: 'u1' })).rejects.toThrow(StoreError);
    expect(await snapshot(store)).toEqual(before);
    expect(await store.hasDocument('ferry-notes-abc123')).toBe(false);
  });

  it('reports a full disk as a StoreError and writes nothing', async () => {
    const store = await open({ configure: (db) => db.pragma('max_page_count = 16') });
    await store.addDocument(newDocument({ id: 'small', text: 'A small note.' }), { actor: 'u1' });
    const before = await snapshot(store);
    const big = newDocument({ id: 'big', text: 'Many words. '.repeat(20_000), urls: [] });
    await expect(store.addDocument(big, { actor: 'u1' })).rejects.toThrow(
      /^Could not save the document in .*: the disk is full\.$/,
    );
    expect(await snapshot(store)).toEqual(before);
  });
});

describe('PostgreSQL connection failures', () => {
  it('says clearly when PostgreSQL cannot be reached', async () => {
    await expect(
      openStore(dataDir, { databaseUrl: 'postgres://footnote:secret@127.0.0.1:1/footnote' }),
    ).rejects.toThrow(
      'Could not open the document store in postgres://127.0.0.1:1/footnote: PostgreSQL refused the connection (is it running?).',
    );
  });
});

describe('ids and addresses', () => {
  it('makes an id of the title’s words and the hash, longer when taken', () => {
    const hash = 'abcdef0123456789';
    expect(documentId('Russia’s QR codes: a Mandate!', hash, () => false)).toBe(
      'russias-qr-codes-a-mandate-abcdef',
    );
    expect(documentId('Café Économie', hash, (id) => id === 'cafe-economie-abcdef')).toBe(
      'cafe-economie-abcdef01',
    );
    expect(documentId('¿¡!?', hash, () => false)).toBe('document-abcdef');
    expect(documentId('word '.repeat(30), hash, () => false).length).toBeLessThanOrEqual(55);
  });

  it.each([
    ['https://Example.com/a/', 'example.com/a'],
    ['http://example.com:80/a#frag', 'example.com/a'],
    ['https://example.com/a?b=1', 'example.com/a?b=1'],
    ['https://example.com:8443/', 'example.com:8443'],
    ['ftp://example.com/', undefined],
    ['not a url', undefined],
  ])('urlKey(%s) is %s', (url, key) => {
    expect(urlKey(url)).toBe(key);
  });
});
