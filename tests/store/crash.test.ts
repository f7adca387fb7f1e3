import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { segmentDocument } from '../../src/core/segment.ts';
import { openCorpus } from '../../src/corpus/open-corpus.ts';
import { contentHash } from '../../src/core/content-hash.ts';
import { openStore, type OpenStoreOptions } from '../../src/store/store.ts';
import { describeEachBackend } from './backends.ts';
import { CRASH_GUILDS, crashMarker, crashText, crashTitle } from './fixtures/crash-docs.ts';
import { writeEstuaryCorpus } from './estuary-corpus.ts';
import { EVENTUALLY_MS } from '../deadlines.ts';
import { guildScope } from '../../src/core/scope.ts';

const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
let root: string;
let dataDir: string;
let corpusDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'footnote-crash-'));
  dataDir = join(root, 'data');
  corpusDir = join(root, 'corpus');
  await writeEstuaryCorpus(corpusDir);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Acknowledged {
  added: Map<number, string>;
  removed: Set<string>;
}

/** Where the kill lands. */
type Kill =
  /** The test kills the writer once `adds` adds were acknowledged: it is preparing the next. */
  | { after: 'acknowledged'; adds: number }
  /** The test kills the writer as soon as it starts committing add number `adds` + 1. */
  | { after: 'committing'; adds: number }
  /** The writer kills itself inside the transaction adding its `n`th document (from 0), after that row. */
  | { inside: 'document' | 'audit'; n: number };

/** Runs the writer from the sources (node + tsx) until it is SIGKILLed. */
function runAndKill(first: number, kill: Kill, where: OpenStoreOptions): Promise<Acknowledged> {
  const acknowledged: Acknowledged = { added: new Map(), removed: new Set() };
  const args = 'inside' in kill ? [String(first + kill.n), kill.inside] : [];
  let committing = 0;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', writer, dataDir, corpusDir, String(first), ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          CRASH_DATABASE_URL: where.databaseUrl ?? '',
          CRASH_SCHEMA: where.schema ?? '',
        },
      },
    );
    let buffer = '';
    let errors = '';
    // Never leave a writer running, whatever goes wrong.
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer was not killed in time: ${errors}`));
    }, EVENTUALLY_MS);
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [verb, n, id] = line.split(' ');
        if (verb === 'added' && id) acknowledged.added.set(Number(n), id);
        if (verb === 'removed' && id) acknowledged.removed.add(id);
        if (verb === 'committing') committing++;
      }
      if (child.exitCode !== null || 'inside' in kill) return;
      const done = kill.after === 'acknowledged' ? acknowledged.added.size : committing - 1;
      if (done >= kill.adds) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`writer exited ${code}: ${errors}`));
    });
  });
}

/** Every stored document is whole, its audit agrees, and what the writer was told survived. */
async function checkStore(acknowledged: Acknowledged, where: OpenStoreOptions): Promise<string[]> {
  const store = await openStore(dataDir, where);
  try {
    expect(await store.integrityCheck()).toBe('ok');
    const documents = await store.allDocuments();
    const history = await store.history(undefined, 100_000);
    // The changes table agrees: a document is present exactly when its last change is an add.
    const changes = await store.changesSince(0, 100_000);
    const lastChange = new Map(changes.map((change) => [change.documentId, change.kind]));
    for (const document of documents) {
      const n = Number(/^Crash document (\d+)$/.exec(document.title)?.[1]);
      // Whole: exactly the text the writer added, and the hash stored with it.
      expect(contentHash(document.text)).toBe(contentHash(crashText(n)));
      expect(contentHash(document.text)).toBe(document.contentHash);
      const passages = segmentDocument(document.id, document.text);
      expect(passages.length).toBeGreaterThan(10);
      for (const passage of passages) {
        expect(document.text.slice(passage.start, passage.end)).toBe(passage.text);
      }
      // The audit entry was committed with the document: the newest entry for it is its add.
      const latest = history.find((entry) => entry.documentId === document.id);
      expect(latest).toMatchObject({ action: 'add', contentHash: document.contentHash });
      expect(lastChange.get(document.id)).toBe('add');
    }
    // An add in the audit log without its document must have been removed afterwards.
    const present = new Set(documents.map((document) => document.id));
    for (const entry of history) {
      const latest = history.find((other) => other.documentId === entry.documentId);
      expect(present.has(entry.documentId)).toBe(latest?.action === 'add');
    }
    // Durability: what the writer was told is committed, is.
    for (const [n, id] of acknowledged.added) {
      expect(present.has(id), `acknowledged add ${n} ${id}`).toBe(!acknowledged.removed.has(id));
    }
    for (const [id, kind] of lastChange) expect(present.has(id), id).toBe(kind === 'add');
    return [...present];
  } finally {
    await store.close();
  }
}

/** The corpus opened from the store holds exactly the stored documents, indexed. */
async function checkLibrary(storedIds: readonly string[], where: OpenStoreOptions): Promise<void> {
  const opened = await openCorpus({ dataDir, corpusDir, store: where });
  const { corpus, store } = opened;
  try {
    for (const scope of CRASH_GUILDS.map(guildScope)) {
      const inStore = (await store.listDocuments(scope)).map((document) => document.id).sort();
      const inLibrary = corpus
        .listDocuments({ scope })
        .map((document) => document.id)
        .filter((id) => id !== 'estuary-guide')
        .sort();
      expect(inLibrary).toEqual(inStore);
    }
    expect(corpus.size).toBe(storedIds.length + 1);
    for (const id of storedIds) {
      const document = corpus.getDocument(id);
      const stored = await store.getDocument(id);
      expect(document?.text).toBe(stored?.text);
      expect(corpus.passagesOf(id)).toEqual(segmentDocument(id, stored?.text ?? ''));
      const n = Number(/(\d+)$/.exec(stored?.title ?? '')?.[1]);
      const answer = corpus.ask(`Which document records the ${crashMarker(n)} survey?`, {
        scope: stored?.scope,
      });
      expect(answer.status === 'answered' && answer.citations[0]?.documentId).toBe(id);
    }
  } finally {
    await opened.close();
  }
}

describeEachBackend(import.meta.url, (backend) => {
  it('a writer killed with SIGKILL while adding leaves every document whole or absent, and the index agreeing with the store', async () => {
    const where = backend.newLocation();
    let next = 0;
    const kills: Kill[] = [
      { after: 'acknowledged', adds: 6 },
      { after: 'committing', adds: 4 },
      // Inside the transaction: a SQLite trigger kills the writer after the row is inserted.
      ...(backend.name === 'SQLite'
        ? ([
            { inside: 'document', n: 2 },
            { inside: 'audit', n: 1 },
          ] as const)
        : []),
    ];
    for (const kill of kills) {
      const first = next;
      const acknowledged = await runAndKill(first, kill, where);
      next = first + 20;
      const stored = await checkStore(acknowledged, where);
      if ('inside' in kill) {
        // Killed between the inserts and the commit: the document is absent, and so is its audit.
        expect(acknowledged.added.size).toBe(kill.n);
        const store = await openStore(dataDir, where);
        const titles = (await store.allDocuments()).map((document) => document.title);
        await store.close();
        expect(titles).not.toContain(crashTitle(first + kill.n));
        expect(titles).toHaveLength(stored.length);
      }
      await checkLibrary(stored, where);
    }
  });
});
