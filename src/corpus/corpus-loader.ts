import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { manifestSchema } from '../core/corpus-schema.ts';
import { buildVocabulary, EMPTY_VOCABULARY, type Vocabulary } from '../core/vocabulary.ts';
import { GLOBAL_SCOPE } from '../core/scope.ts';
import type { CorpusDocument } from '../core/types.ts';
import { PACKAGE_ROOT } from '../package-root.ts';

/** The corpus that ships with Footnote, next to `src/` (and `dist/`). */
export const SHIPPED_CORPUS_DIR = join(PACKAGE_ROOT, 'corpus');

/** The shipped corpus could not be read or is malformed. The message says which file and why. */
export class CorpusError extends Error {
  override readonly name = 'CorpusError';
}

/**
 * Reads `manifest.json` and one `<id>.txt` per document from a corpus folder, validating the
 * metadata with the manifest schema.
 */
export async function loadShippedCorpus(directory = SHIPPED_CORPUS_DIR): Promise<CorpusDocument[]> {
  const manifestPath = join(directory, 'manifest.json');
  const raw = await readFile(manifestPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CorpusError(
      `Cannot read the corpus manifest ${manifestPath}: ${error.code ?? error.message}.`,
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new CorpusError(`The corpus manifest ${manifestPath} is not valid JSON.`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorpusError(
      `The corpus manifest ${manifestPath} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}.`,
    );
  }
  return Promise.all(
    parsed.data.documents.map(async ({ seed: _seed, provenance: _provenance, ...meta }) => {
      const textPath = join(directory, `${meta.id}.txt`);
      const text = await readFile(textPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CorpusError(`Cannot read ${textPath}: ${error.code ?? error.message}.`);
      });
      if (text.trim() === '') throw new CorpusError(`${textPath} is empty.`);
      return {
        ...meta,
        text: text.normalize('NFC'),
        scope: GLOBAL_SCOPE,
        origin: 'shipped',
      } satisfies CorpusDocument;
    }),
  );
}

const vocabularySchema = z.object({
  about: z.string().optional(),
  groups: z.array(z.array(z.string().trim().min(1)).min(2)),
});

/**
 * Reads the operator's vocabulary (`vocabulary.json` next to the manifest). A missing file means
 * no vocabulary; a malformed one is an error naming the file, not a silent fallback.
 */
export async function loadVocabulary(directory = SHIPPED_CORPUS_DIR): Promise<Vocabulary> {
  const path = join(directory, 'vocabulary.json');
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_VOCABULARY;
    throw new CorpusError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new CorpusError(`${path} is not valid JSON.`);
  }
  const parsed = vocabularySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorpusError(
      `${path} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}.`,
    );
  }
  return buildVocabulary(parsed.data.groups);
}
