import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { footnoteInProcess } from '../cli/in-process.ts';
import { contentHash } from '../../src/core/content-hash.ts';
import { Feedback } from '../../src/store/feedback.ts';
import {
  openStore,
  type NewDocument,
  type Store,
  type StoredOrigin,
} from '../../src/store/store.ts';
import { TEST_DATABASE_URL } from './backends.ts';
import { GLOBAL_SCOPE, guildScope, type Scope } from '../../src/core/scope.ts';

const GUILD = '111111111111111111';
const MESSAGE = '300000000000000001';
const ALICE = '200000000000000001';
let dataDir: string;
let schema: string;
let counter = 0;

function note(
  id: string,
  scope: Scope,
  text: string,
  origin: StoredOrigin = scope.kind === 'global' ? 'operator' : 'server',
): NewDocument {
  return {
    id,
    scope,
    origin,
    title: `Note ${id}`,
    language: 'en',
    text,
    contentHash: contentHash(text),
    source: { kind: 'url', ref: `https://harbour.example/${id}` },
    urls: [`https://harbour.example/${id}`],
  };
}

/** `footnote migrate-store …` in this process. */
function footnote(args: string[]) {
  return footnoteInProcess(args, {
    env: { PATH: process.env['PATH'] ?? '', FOOTNOTE_DATA_DIR: dataDir, NO_COLOR: '1' },
  });
}

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** The URL of this test's empty schema, as an operator would pass it (search_path option). */
const target = () =>
  `${TEST_DATABASE_URL}${TEST_DATABASE_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

describe.skipIf(!TEST_DATABASE_URL)('footnote migrate-store --to postgres://…', () => {
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'footnote-migrate-'));
    schema = `t_migrate_store_${process.pid}_${++counter}`;
    await admin(`CREATE SCHEMA ${schema}`);
  });
  afterEach(async () => {
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await rm(dataDir, { recursive: true, force: true });
  });

  async function sqliteWithEverything(): Promise<void> {
    const store = await openStore(dataDir);
    try {
      await store.addDocument(note('ferry', guildScope(GUILD), 'The ferry leaves at nine.'), {
        actor: 'mod',
      });
      await store.addDocument(note('tides', GLOBAL_SCOPE, 'Tides turn twice a day.'), {
        actor: 'cli:ops',
      });
      await store.addDocument(note('gone', guildScope(GUILD), 'Removed later.'), { actor: 'mod' });
      await store.removeDocument('gone', guildScope(GUILD), 'mod');
      const feedback = new Feedback(store);
      const answerId = await feedback.recordAnswer({
        question: 'When does the ferry leave?',
        passageIds: ['ferry#1'],
        guildId: GUILD,
      });
      await feedback.vote({
        answerId,
        messageId: MESSAGE,
        userId: ALICE,
        vote: -1,
        guildId: GUILD,
      });
      await feedback.recordNoAnswer({ guildId: GUILD, question: 'Where is the lighthouse?' });
    } finally {
      await store.close();
    }
  }

  it('copies documents, addresses, audit, answers, votes, gaps and the voter salt into PostgreSQL', async () => {
    await sqliteWithEverything();
    const result = await footnote(['migrate-store', '--to', target()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Copied 2 documents, 4 audit entries, 1 answers, 1 votes and 2 gaps into postgres://127.0.0.1:5432/test.',
    );
    const copied: Store = await openStore(dataDir, { databaseUrl: TEST_DATABASE_URL, schema });
    try {
      expect(copied.backend).toBe('postgres');
      // Who added each document comes along with it.
      expect(
        (await copied.listDocuments())
          .map((document) => [document.id, document.origin, document.scope])
          .sort(),
      ).toEqual([
        ['ferry', 'server', guildScope(GUILD)],
        ['tides', 'operator', GLOBAL_SCOPE],
      ]);
      expect((await copied.getDocument('ferry'))?.text).toBe('The ferry leaves at nine.');
      expect((await copied.history(undefined, 10)).map((entry) => entry.action)).toEqual([
        'remove',
        'add',
        'add',
        'add',
      ]);
      expect(
        (
          await copied.findDuplicate({
            urls: ['https://harbour.example/ferry'],
            contentHash: 'x',
            scope: guildScope(GUILD),
          })
        )?.document.id,
      ).toBe('ferry');
      const feedback = new Feedback(copied);
      expect(await feedback.counts(MESSAGE)).toEqual({ up: 0, down: 1 });
      expect((await feedback.gaps(GUILD)).map((gap) => gap.kind).sort()).toEqual([
        'down-vote',
        'no-answer',
      ]);
      // The answer came along, and so did the salt: Alice's second press of 👎 takes her vote
      // back, and its gap.
      const [answer] = await copied.read((db) => db.selectFrom('answers').selectAll().execute());
      expect(answer).toMatchObject({ question: 'When does the ferry leave?' });
      expect(
        await feedback.vote({
          answerId: answer!.id,
          messageId: MESSAGE,
          userId: ALICE,
          vote: -1,
          guildId: GUILD,
        }),
      ).toEqual({ vote: undefined, counts: { up: 0, down: 0 } });
      expect((await feedback.gaps(GUILD)).map((gap) => gap.kind)).toEqual(['no-answer']);
      // New writes get ids after the copied rows.
      await copied.addDocument(note('new', guildScope(GUILD), 'Added after the move.'), {
        actor: 'mod',
      });
      expect((await copied.history(undefined, 1))[0]).toMatchObject({ id: 5, documentId: 'new' });
    } finally {
      await copied.close();
    }
  });

  it('refuses a database that already holds documents, and changes nothing', async () => {
    await sqliteWithEverything();
    expect((await footnote(['migrate-store', '--to', target()])).code).toBe(0);
    const again = await footnote(['migrate-store', '--to', target()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'footnote: postgres://127.0.0.1:5432/test already holds documents, audit entries, answers, votes or gaps: copy into an empty database only.\n',
    );
    const copied = await openStore(dataDir, { databaseUrl: TEST_DATABASE_URL, schema });
    expect(await copied.listDocuments()).toHaveLength(2);
    await copied.close();
  });

  it('says what is missing: no --to, or no SQLite store to copy', async () => {
    expect((await footnote(['migrate-store'])).stderr).toContain(
      'migrate-store needs --to postgres://user@host:5432/database.',
    );
    const empty = await footnote(['migrate-store', '--to', target()]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/There is no SQLite store in .* \(footnote\.db\) to copy\./);
  });
});
