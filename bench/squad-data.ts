/**
 * SQuAD v1.1 loading for the bench, ported from `../shared/retrieval-bench/lib/data.mjs` so the
 * figures stay comparable with `../shared/research/retrieval-squad.md`: one passage per paragraph,
 * article titles with `_` turned into spaces, the same dev-a/dev-b article split and the same
 * seeded PRNG.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the project keeps its copy of the official dev set (outside the repo, next to it). */
export const DEFAULT_SQUAD_FILE = resolve(REPO_ROOT, '../shared/data/squad/dev-v1.1.json');

export const SQUAD_SOURCE_NOTE =
  'The official SQuAD v1.1 dev set (dev-v1.1.json) is published on the SQuAD site, ' +
  'https://rajpurkar.github.io/SQuAD-explorer/; pass it with `npm run bench -- --squad <file>`.';

/** Only the fields the bench reads; SQuAD's answers and other fields pass through unchecked. */
const squadFileSchema = z.object({
  data: z.array(
    z.object({
      title: z.string(),
      paragraphs: z.array(
        z.object({
          context: z.string(),
          qas: z.array(z.object({ id: z.string(), question: z.string() })),
        }),
      ),
    }),
  ),
});
export type SquadFile = z.infer<typeof squadFileSchema>;

/** One SQuAD paragraph as a retrievable passage. `id` is its position in the split. */
export interface SquadPassage {
  id: number;
  title: string;
  text: string;
}

export interface SquadQuestion {
  id: string;
  question: string;
  /** The passage the question was written for: the only one that counts as a hit. */
  goldId: number;
}

/** `dev`: every article; `dev-a`/`dev-b`: even/odd articles, as retrieval-bench splits them. */
export type SquadSplitName = 'dev' | 'dev-a' | 'dev-b';

export interface SquadSplit {
  name: SquadSplitName;
  articles: number;
  passages: SquadPassage[];
  questions: SquadQuestion[];
}

/**
 * The SQuAD file to use: the one asked for (which must exist), else the project's copy when it
 * is there, else none.
 */
export function resolveSquadFile(requested: string | undefined): string | undefined {
  if (requested !== undefined) {
    const path = resolve(requested);
    if (!existsSync(path))
      throw new Error(`--squad ${requested}: no such file. ${SQUAD_SOURCE_NOTE}`);
    return path;
  }
  return existsSync(DEFAULT_SQUAD_FILE) ? DEFAULT_SQUAD_FILE : undefined;
}

export async function readSquadFile(path: string): Promise<SquadFile> {
  return squadFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

// Wikipedia slugs ("Super_Bowl_50") become titles as a document corpus would store them;
// tokenizers that keep "_" (lunr) would otherwise be penalised.
const humanTitle = (slug: string) => slug.replace(/_/gu, ' ');

export function squadSplit(squad: SquadFile, name: SquadSplitName): SquadSplit {
  const articles = squad.data.filter(
    (_article, index) => name === 'dev' || (name === 'dev-a' ? index % 2 === 0 : index % 2 === 1),
  );
  const passages: SquadPassage[] = [];
  const questions: SquadQuestion[] = [];
  for (const article of articles) {
    for (const paragraph of article.paragraphs) {
      const id = passages.length;
      passages.push({ id, title: humanTitle(article.title), text: paragraph.context });
      for (const qa of paragraph.qas)
        questions.push({ id: qa.id, question: qa.question, goldId: id });
    }
  }
  return { name, articles: articles.length, passages, questions };
}

/** Deterministic PRNG (mulberry32), the one retrieval-bench samples with. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates shuffle; the input is left as it is. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const random = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
