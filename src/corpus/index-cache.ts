import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INDEX_SCHEMA_VERSION, type SerializedPassageIndex } from '../core/passage-index.ts';
import { SEGMENTATION_VERSION } from '../core/segment.ts';
import { describeShardIds, type ShardSlice } from '../core/shard-slice.ts';
import type { CorpusDocument } from '../core/types.ts';
import { makeDirectory } from '../make-directory.ts';

const CACHE_FILE = 'passage-index.bin';
const NEWLINE = 0x0a;
/** The cache file's extension; with `.json` instead, the name earlier versions saved JSON under. */
const BINARY_EXTENSION = /\.bin$/u;

/**
 * A digest of everything the index is built from: the schema and segmentation versions, each
 * document's id, title and text. A change to any of them rebuilds the index. Passage boundaries
 * are saved with the index rather than hashed here, so nothing is segmented to check the cache.
 */
export function corpusFingerprint(documents: readonly CorpusDocument[]): string {
  const hash = createHash('sha256');
  hash.update(`schema:${INDEX_SCHEMA_VERSION} segmentation:${SEGMENTATION_VERSION}\n`);
  for (const document of [...documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    // Lengths first, so no two different documents hash the same; the text as it is, not escaped.
    hash.update(
      `${document.id.length}:${document.id} ${document.title.length}:${document.title} ${document.text.length}:`,
    );
    hash.update(document.text);
    hash.update('\n');
  }
  return hash.digest('hex');
}

/**
 * The file a process saves its index in: one per shard slice, so that shard processes sharing
 * a data directory, each holding its own servers' documents, do not overwrite each other's.
 *
 * @example
 * indexCacheFile(); // 'passage-index.bin'
 * indexCacheFile({ ids: [0, 1], count: 4 }); // 'passage-index.shards-0-1-of-4.bin'
 */
export function indexCacheFile(slice?: ShardSlice): string {
  return slice
    ? `passage-index.shards-${describeShardIds(slice.ids)}-of-${slice.count}.bin`
    : CACHE_FILE;
}

/** A saved index with what it was built from. */
export interface IndexSnapshot {
  index: SerializedPassageIndex;
  /** `corpusFingerprint` of every document the index holds. */
  fingerprint: string | undefined;
  /** Each document's own fingerprint by id, when saved with them: which documents it holds. */
  documents: Readonly<Record<string, string>> | undefined;
}

/**
 * Reads the saved index in `file`, whatever it was built from; undefined when missing,
 * unreadable or of another index schema. The file is the header JSON on the first line and
 * the MiniSearch snapshot's bytes after it.
 */
export async function readIndexSnapshot(
  dataDir: string,
  file = CACHE_FILE,
): Promise<IndexSnapshot | undefined> {
  try {
    const content = await readFile(join(dataDir, file));
    const newline = content.indexOf(NEWLINE);
    if (newline < 0) return undefined;
    const header = JSON.parse(
      content.toString('utf8', 0, newline),
    ) as SerializedPassageIndex['header'] & {
      fingerprint?: string;
      documents?: Record<string, string>;
    };
    if (header.schemaVersion !== INDEX_SCHEMA_VERSION) return undefined;
    const { fingerprint, documents, ...indexHeader } = header;
    return {
      index: { header: indexHeader, miniSearch: content.subarray(newline + 1) },
      fingerprint,
      documents,
    };
  } catch {
    return undefined;
  }
}

/**
 * Reads a saved passage index if it was built from the same corpus with the same schema.
 * Anything else (missing, stale, unreadable, from another version) is a cache miss.
 */
export async function readIndexCache(
  dataDir: string,
  fingerprint: string,
  file = CACHE_FILE,
): Promise<SerializedPassageIndex | undefined> {
  const snapshot = await readIndexSnapshot(dataDir, file);
  return snapshot?.fingerprint === fingerprint ? snapshot.index : undefined;
}

/**
 * Saves the index atomically: a crash mid-write leaves the previous file, never half of one.
 * With `documents` (those the index holds), each one's fingerprint is saved too, so that a later
 * start can reuse the index when documents were only added since (`openCorpusIndex`).
 */
export async function writeIndexCache(
  dataDir: string,
  fingerprint: string,
  index: SerializedPassageIndex,
  { file = CACHE_FILE, documents }: { file?: string; documents?: readonly CorpusDocument[] } = {},
): Promise<void> {
  await makeDirectory(dataDir);
  const target = join(dataDir, file);
  const temporary = `${target}.${process.pid}.tmp`;
  const digests =
    documents &&
    Object.fromEntries(documents.map((document) => [document.id, corpusFingerprint([document])]));
  // JSON escapes every newline in a string: the first newline ends the header.
  const header = `${JSON.stringify({ ...index.header, fingerprint, documents: digests })}\n`;
  await writeFile(temporary, [header, index.miniSearch]);
  await rename(temporary, target);
  // The JSON cache of earlier versions, never read again.
  await rm(target.replace(BINARY_EXTENSION, '.json'), { force: true });
}
