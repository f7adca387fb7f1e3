import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { contentHash } from '../../src/store/content-hash.ts';
import { documentId } from '../../src/store/document-id.ts';
import { StoreError } from '../../src/store/errors.ts';
import { MIGRATIONS, migrate, type Migration } from '../../src/store/migrations.ts';
import {
  DuplicateDocumentError,
  openStore,
  STORE_FILE,
  type NewDocument,
  type Store,
} from '../../src/store/store.ts';
import { urlKey } from '../../src/store/url-key.ts';

const GUILD_A = '111111111111111111';
const GUILD_B = '222222222222222222';
let dataDir: string;
const opened: Store[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-store-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) store.close();
  await rm(dataDir, { recursive: true, force: true });
});

function open(options?: Parameters<typeof openStore>[1]): Store {
  const store = openStore(dataDir, options);
  opened.push(store);
  return store;
}

function newDocument(overrides: Partial<NewDocument> & { text?: string } = {}): NewDocument {
  const text = overrides.text ?? 'The ferry leaves Saltmarsh Bay at nine.';
  return {
    id: 'ferry-notes-abc123',
    guildId: GUILD_A,
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
function snapshot(store: Store) {
  return { documents: store.allDocuments(), history: store.history(undefined, 1000) };
}

describe('openStore and migrations', () => {
  it('creates the database in WAL mode at the newest schema version', () => {
    open().close();
    const db = new DatabaseConstructor(join(dataDir, STORE_FILE), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(expect.arrayContaining(['audit', 'document_urls', 'documents']));
    } finally {
      db.close();
    }
  });

  it('reopens an existing database without migrating it again, keeping its documents', () => {
    open().addDocument(newDocument(), { actor: 'u1' });
    opened.pop()?.close();
    expect(
      open()
        .listDocuments()
        .map((document) => document.id),
    ).toEqual(['ferry-notes-abc123']);
  });

  it('runs each pending step in its own transaction; a failing step leaves the version before it', () => {
    const db = new DatabaseConstructor(':memory:');
    const steps: Migration[] = [
      { version: 1, description: 'a', up: (d) => d.exec('CREATE TABLE a (x)') },
      {
        version: 2,
        description: 'b fails half-way',
        up: (d) => {
          d.exec('CREATE TABLE b (x)');
          throw new Error('disk on fire');
        },
      },
    ];
    expect(() => migrate(db, steps)).toThrow('disk on fire');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    expect(migrate(db, steps.slice(0, 1))).toBe(1);
    db.close();
  });

  it('refuses a database written by a newer Footnote', () => {
    open().close();
    const db = new DatabaseConstructor(join(dataDir, STORE_FILE));
    db.pragma('user_version = 99');
    db.close();
    expect(() => open()).toThrow(
      new StoreError(
        `The database is at schema version 99, newer than this Footnote understands (${MIGRATIONS.length}); upgrade Footnote.`,
      ),
    );
  });

  it('says clearly when the data directory cannot be created', async () => {
    await writeFile(join(dataDir, 'file'), 'in the way');
    expect(() => openStore(join(dataDir, 'file', 'data'))).toThrow(StoreError);
    expect(() => openStore(join(dataDir, 'file', 'data'))).toThrow(
      /^Could not open the document store in .*file\/data: a part of the path is not a directory\.$/,
    );
  });

  it('says clearly when the file is not a database', async () => {
    await writeFile(join(dataDir, STORE_FILE), 'not a database, just text '.repeat(100));
    expect(() => open()).toThrow(/the file is not a SQLite database\.$/);
  });
});

describe('Store writes', () => {
  it('stores a document, its addresses and its audit entry together', () => {
    const store = open();
    const at = new Date('2024-05-02T10:00:00Z');
    const stored = store.addDocument(newDocument({ author: 'Harbour Office' }), {
      actor: 'user-1',
      at,
    });
    expect(stored).toMatchObject({
      id: 'ferry-notes-abc123',
      guildId: GUILD_A,
      author: 'Harbour Office',
      site: undefined,
      addedBy: 'user-1',
      addedAt: '2024-05-02T10:00:00.000Z',
      source: { kind: 'url', ref: 'https://harbour.example/ferry' },
      text: 'The ferry leaves Saltmarsh Bay at nine.',
    });
    expect(store.history()).toEqual([
      {
        id: 1,
        action: 'add',
        documentId: 'ferry-notes-abc123',
        guildId: GUILD_A,
        actor: 'user-1',
        at: '2024-05-02T10:00:00.000Z',
        source: 'url: https://harbour.example/ferry',
        contentHash: stored.contentHash,
        title: 'Ferry notes',
      },
    ]);
  });

  it('writes nothing when the audit entry fails: document and audit share one transaction', () => {
    const store = open({
      configure: (db) =>
        db.exec(`CREATE TEMP TRIGGER audit_fails BEFORE INSERT ON audit
                 BEGIN SELECT RAISE(ABORT, 'audit disk on fire'); END`),
    });
    const before = snapshot(store);
    expect(() => store.addDocument(newDocument(), { actor: 'u1' })).toThrow(StoreError);
    expect(snapshot(store)).toEqual(before);
    expect(store.hasDocument('ferry-notes-abc123')).toBe(false);
  });

  it('reports a full disk as a StoreError and writes nothing', () => {
    const store = open({ configure: (db) => db.pragma('max_page_count = 12') });
    store.addDocument(newDocument({ id: 'small', text: 'A small note.' }), { actor: 'u1' });
    const before = snapshot(store);
    const big = newDocument({ id: 'big', text: 'Many words. '.repeat(20_000), urls: [] });
    expect(() => store.addDocument(big, { actor: 'u1' })).toThrow(
      /^Could not save the document in .*: the disk is full\.$/,
    );
    expect(snapshot(store)).toEqual(before);
  });

  it('refuses a hash that does not match the text', () => {
    const store = open();
    expect(() =>
      store.addDocument({ ...newDocument(), contentHash: contentHash('other') }, { actor: 'u1' }),
    ).toThrow(/content hash/);
  });

  it('removes a document of its own scope, with an audit entry, and nothing of another scope', () => {
    const store = open();
    store.addDocument(newDocument(), { actor: 'u1' });
    expect(store.removeDocument('ferry-notes-abc123', GUILD_B, 'intruder')).toBeUndefined();
    expect(store.removeDocument('ferry-notes-abc123', null, 'operator')).toBeUndefined();
    expect(store.history()).toHaveLength(1);
    expect(store.removeDocument('ferry-notes-abc123', GUILD_A, 'mod')?.title).toBe('Ferry notes');
    expect(store.hasDocument('ferry-notes-abc123')).toBe(false);
    expect(store.history({ guildId: GUILD_A }).map((entry) => [entry.action, entry.actor])).toEqual(
      [
        ['remove', 'mod'],
        ['add', 'u1'],
      ],
    );
    // The addresses went with the document: the same URL can be added again.
    expect(
      store.findDuplicate({
        urls: ['https://harbour.example/ferry'],
        contentHash: 'x',
        guildId: GUILD_A,
      }),
    ).toBeUndefined();
  });

  it('takes back an add completely with undoAdd', () => {
    const store = open();
    const before = snapshot(store);
    store.addDocument(newDocument(), { actor: 'u1' });
    store.undoAdd('ferry-notes-abc123');
    expect(snapshot(store)).toEqual(before);
  });

  it('lists and shows history per scope, the operator’s scope being null', () => {
    const store = open();
    store.addDocument(newDocument({ id: 'a', text: 'Text A.' }), { actor: 'u1' });
    store.addDocument(newDocument({ id: 'b', guildId: GUILD_B, text: 'Text B.', urls: [] }), {
      actor: 'u2',
    });
    store.addDocument(newDocument({ id: 'c', guildId: null, text: 'Text C.', urls: [] }), {
      actor: 'cli:ops',
    });
    expect(store.listDocuments({ guildId: GUILD_A }).map((document) => document.id)).toEqual(['a']);
    expect(store.listDocuments({ guildId: null }).map((document) => document.id)).toEqual(['c']);
    expect(store.listDocuments()).toHaveLength(3);
    expect(store.history({ guildId: GUILD_B }).map((entry) => entry.documentId)).toEqual(['b']);
    expect(store.history(undefined, 2).map((entry) => entry.documentId)).toEqual(['c', 'b']);
  });
});

describe('Store duplicates', () => {
  it('refuses the same text or the same address again, naming the existing document', () => {
    const store = open();
    store.addDocument(newDocument(), { actor: 'u1' });
    const sameText = newDocument({ id: 'other', urls: [] });
    expect(() => store.addDocument(sameText, { actor: 'u1' })).toThrow(UserError);
    expect(() => store.addDocument(sameText, { actor: 'u1' })).toThrow(
      'The same text was already added as “Ferry notes” (ferry-notes-abc123).',
    );
    const sameUrl = newDocument({
      id: 'other',
      text: 'Different text.',
      urls: ['HTTPS://HARBOUR.example:443/ferry/#today'],
    });
    expect(() => store.addDocument(sameUrl, { actor: 'u1' })).toThrow(DuplicateDocumentError);
    expect(() => store.addDocument(sameUrl, { actor: 'u1' })).toThrow(
      'That address was already added as “Ferry notes” (ferry-notes-abc123).',
    );
    expect(store.listDocuments()).toHaveLength(1);
  });

  it('keeps servers apart: another server may add the same text; an operator’s document counts everywhere', () => {
    const store = open();
    store.addDocument(newDocument(), { actor: 'u1' });
    const query = {
      urls: ['https://harbour.example/ferry'],
      contentHash: contentHash('The ferry leaves Saltmarsh Bay at nine.'),
    };
    expect(store.findDuplicate({ ...query, guildId: GUILD_B })).toBeUndefined();
    expect(store.findDuplicate({ ...query, guildId: GUILD_A })?.reason).toBe('url');
    // The operator adds for every server, so any server's copy is a duplicate.
    expect(store.findDuplicate({ ...query, guildId: null })?.document.id).toBe(
      'ferry-notes-abc123',
    );
    store.addDocument(newDocument({ id: 'ops', guildId: null, text: 'Shared text.', urls: [] }), {
      actor: 'cli',
    });
    expect(
      store.findDuplicate({ contentHash: contentHash('Shared text.'), guildId: GUILD_B })?.document
        .id,
    ).toBe('ops');
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
