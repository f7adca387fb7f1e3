import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INDEX_SCHEMA_VERSION, type SerializedPassageIndex } from '../core/passage-index.ts';
import { SEGMENTATION_VERSION } from '../core/segment.ts';
import type { CorpusDocument } from '../core/types.ts';

const CACHE_FILE = 'passage-index.json';

/**
 * A digest of everything the index is built from: the schema and segmentation versions, each
 * document's id, title and text. A change to any of them rebuilds the index. Passage boundaries
 * are saved with the index rather than hashed here, so nothing is segmented to check the cache.
 */
export function corpusFingerprint(documents: readonly CorpusDocument[]): string {
  const hash = createHash('sha256');
  hash.update(`schema:${INDEX_SCHEMA_VERSION} segmentation:${SEGMENTATION_VERSION}\n`);
  for (const document of [...documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    hash.update(JSON.stringify([document.id, document.title, document.text]));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/**
 * Reads a saved passage index if it was built from the same corpus with the same schema.
 * Anything else (missing, stale, unreadable, from another version) is a cache miss.
 * The file is the header JSON on the first line and MiniSearch's JSON after it.
 */
export async function readIndexCache(
  dataDir: string,
  fingerprint: string,
): Promise<SerializedPassageIndex | undefined> {
  try {
    const content = await readFile(join(dataDir, CACHE_FILE), 'utf8');
    const newline = content.indexOf('\n');
    const header = JSON.parse(content.slice(0, newline)) as SerializedPassageIndex['header'] & {
      fingerprint?: string;
    };
    if (header.schemaVersion !== INDEX_SCHEMA_VERSION || header.fingerprint !== fingerprint)
      return undefined;
    return { header, miniSearchJson: content.slice(newline + 1) };
  } catch {
    return undefined;
  }
}

/** Saves the index atomically: a crash mid-write leaves the previous file, never half of one. */
export async function writeIndexCache(
  dataDir: string,
  fingerprint: string,
  index: SerializedPassageIndex,
): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const target = join(dataDir, CACHE_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(
    temporary,
    `${JSON.stringify({ ...index.header, fingerprint })}\n${index.miniSearchJson}`,
  );
  await rename(temporary, target);
}
