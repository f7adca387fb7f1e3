import { mkdir, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusIndex } from '../../src/core/corpus-index.ts';
import { EMPTY_VOCABULARY } from '../../src/core/vocabulary.ts';
import { GLOBAL_SCOPE } from '../../src/core/scope.ts';
import type { CorpusDocument } from '../../src/core/types.ts';
import {
  corpusFingerprint,
  indexCacheFile,
  readIndexCache,
  writeIndexCache,
} from '../../src/corpus/index-cache.ts';
import { openCorpusIndexWithSource } from '../../src/corpus/open-index.ts';

const DOCUMENTS: CorpusDocument[] = [
  {
    id: 'ferry',
    title: 'Gullholm ferry',
    language: 'en',
    text:
      'The ferry to Gullholm leaves the harbour at seven every morning and returns at six. ' +
      'In winter storms it stays in port, and the island is reached by the mail boat instead.',
    scope: GLOBAL_SCOPE,
    origin: 'shipped',
  },
];
const QUESTION = 'When does the ferry to Gullholm leave?';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-index-cache-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}-corpus`, { recursive: true, force: true });
});

describe('the index cache file', () => {
  it('gives back an index that answers as the one saved', async () => {
    const built = new CorpusIndex(DOCUMENTS);
    const fingerprint = corpusFingerprint(DOCUMENTS);
    await writeIndexCache(dataDir, fingerprint, built.serializeIndex());
    const saved = await readIndexCache(dataDir, fingerprint);
    expect(saved).toBeDefined();
    const loaded = new CorpusIndex(DOCUMENTS, saved);
    expect(loaded.ask(QUESTION).status).toBe('answered');
    expect(loaded.ask(QUESTION)).toEqual(built.ask(QUESTION));
  });

  it('replaces the JSON cache earlier versions saved', async () => {
    await writeFile(join(dataDir, 'passage-index.json'), '{"schemaVersion":4}\n{}');
    await writeIndexCache(dataDir, 'fingerprint', new CorpusIndex(DOCUMENTS).serializeIndex());
    expect(await readdir(dataDir)).toEqual([indexCacheFile()]);
  });

  it('is rebuilt, with a warning, when the saved index is cut short', async () => {
    const corpusDir = await writeCorpus();
    const first = await openCorpusIndexWithSource({
      dataDir,
      corpusDir,
      wordNet: EMPTY_VOCABULARY,
    });
    expect(first.indexSource).toBe('built');
    const file = join(dataDir, indexCacheFile());
    await truncate(file, (await stat(file)).size - 16);
    const warnings: string[] = [];
    const second = await openCorpusIndexWithSource({
      dataDir,
      corpusDir,
      wordNet: EMPTY_VOCABULARY,
      onWarning: (message) => warnings.push(message),
    });
    expect(second.indexSource).toBe('built');
    expect(warnings).toEqual([expect.stringMatching(/unusable and is rebuilt/u)]);
    expect(second.corpus.ask(QUESTION).status).toBe('answered');
  });
});

/** A shipped corpus of the one document, beside the data folder. */
async function writeCorpus(): Promise<string> {
  const corpusDir = `${dataDir}-corpus`;
  await mkdir(corpusDir);
  await writeFile(
    join(corpusDir, 'manifest.json'),
    JSON.stringify({
      documents: [
        {
          id: 'ferry',
          title: 'Gullholm ferry',
          site: 'Harbour Office',
          url: 'https://harbour.example/ferry',
          language: 'en',
          seed: 'ferry.txt',
          provenance: 'written for the test',
        },
      ],
    }),
  );
  await writeFile(join(corpusDir, 'ferry.txt'), DOCUMENTS[0]!.text);
  return corpusDir;
}
