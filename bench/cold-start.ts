/**
 * Cold start from the index cache versus a rebuild, and moderator adds on the loaded corpus.
 * Each runs in its own Node process (`cold-start-child.ts`): the rebuild writes the cache into
 * a temporary folder, then a fresh process loads from it as the bot does at start-up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchChild } from './child.ts';

export interface RebuildResult {
  documents: number;
  passages: number;
  /** `new CorpusIndex(documents)`: segmenting and indexing everything. */
  buildMs: number;
  heapMB: number | null;
  serializeMs: number;
  writeMs: number;
  cacheBytes: number;
}

export interface AddResult {
  question: string;
  addMs: number;
  askMs: number;
  totalMs: number;
  /** Whether the answer cites the document just added. */
  cited: boolean;
}

export interface LoadResult {
  documents: number;
  passages: number;
  /** Hashing the corpus to check the cache belongs to it (`corpusFingerprint`). */
  fingerprintMs: number;
  readMs: number;
  /** `new CorpusIndex(documents, savedIndex)`. */
  constructMs: number;
  /** The cache-hit path of `openLibrary` without reading the documents: the three above. */
  totalMs: number;
  heapMB: number | null;
  /**
   * MiniSearch's defaults starting from their own saved index of the same passages: reading the
   * file and `MiniSearch.loadJSON`, in the same fresh process.
   */
  minisearchDefaultsLoadMs: number;
  /** The first question after start-up, with nothing compiled or cached yet. */
  firstAskMs: number;
  adds: AddResult[];
}

export interface ColdStartReport {
  rebuild: RebuildResult;
  load: LoadResult;
}

const CHILD = new URL('cold-start-child.ts', import.meta.url);

function runChild<T>(args: string[]): T {
  return runBenchChild<T>(CHILD, args);
}

export interface ColdStartOptions {
  squadFile: string | undefined;
  documents: number;
  adds: number;
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartReport> {
  const dir = await mkdtemp(join(tmpdir(), 'footnote-bench-cache-'));
  try {
    const common = [
      '--dir',
      dir,
      '--documents',
      String(options.documents),
      ...(options.squadFile ? ['--squad', options.squadFile] : []),
    ];
    const rebuild = runChild<RebuildResult>(['--mode', 'rebuild', ...common]);
    const load = runChild<LoadResult>([
      '--mode',
      'load',
      '--adds',
      String(options.adds),
      ...common,
    ]);
    return { rebuild, load };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.minisearch-defaults.json`, { force: true });
  }
}
