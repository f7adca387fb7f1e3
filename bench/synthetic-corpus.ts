/**
 * Corpora of any size for the speed section, built deterministically so that a child process
 * (the cold-start measurement) rebuilds exactly the documents its parent indexed.
 *
 * With SQuAD: its dev paragraphs, about five per document, in article order, cycled with a
 * copy number in the id and title once all 2,067 are used. Cycling repeats the vocabulary, so
 * at 100k passages every posting list is ~50 times longer than in a corpus of that size with
 * fresh text: a pessimistic case for query latency.
 *
 * Without SQuAD: seeded random text drawn from the shipped corpus's words at their own
 * frequencies, questions from the shipped bench question sets.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { splitWords } from '../src/core/analysis.ts';
import { segmentDocument } from '../src/core/segment.ts';
import type { CorpusDocument } from '../src/core/types.ts';
import { loadShippedCorpus } from '../src/corpus/corpus-loader.ts';
import { mulberry32, readSquadFile, shuffled, squadSplit } from './squad-data.ts';
import { GLOBAL_SCOPE } from '../src/core/scope.ts';

const PARAGRAPHS_PER_DOCUMENT = 5;
const SEED = 42;

export interface CorpusSource {
  /** One line for the report: where the text comes from. */
  description: string;
  /** Documents in a fixed order: any prefix is the same whatever the size asked for. */
  documents(): Generator<CorpusDocument>;
  /** A fixed, shuffled list of questions to time; `count` of them, repeating if needed. */
  questions(count: number): string[];
}

export interface CorpusSize {
  /** Stop once the documents hold this many passages (as Footnote segments them). */
  passages?: number;
  /** Stop at this many documents. */
  documents?: number;
}

/**
 * The first documents of a source, up to a number of passages or of documents. Passages are
 * only counted (by segmenting each document) when a passage count is asked for.
 */
export function takeCorpus(source: CorpusSource, size: CorpusSize): CorpusDocument[] {
  const documents: CorpusDocument[] = [];
  let passages = 0;
  for (const document of source.documents()) {
    if (size.passages !== undefined && passages >= size.passages) break;
    if (size.documents !== undefined && documents.length >= size.documents) break;
    documents.push(document);
    if (size.passages !== undefined) passages += segmentDocument(document.id, document.text).length;
  }
  return documents;
}

function cycled<T>(items: readonly T[], count: number): T[] {
  return Array.from({ length: count }, (_, index) => items[index % items.length]!);
}

const shippedDocument = (id: string, title: string, text: string): CorpusDocument => ({
  id,
  title,
  site: 'bench',
  language: 'en',
  text,
  scope: GLOBAL_SCOPE,
  origin: 'shipped',
});

export async function squadCorpusSource(file: string): Promise<CorpusSource> {
  const squad = await readSquadFile(file);
  const questions = shuffled(
    squadSplit(squad, 'dev').questions.map((question) => question.question),
    SEED,
  );
  return {
    description: `SQuAD v1.1 dev paragraphs, ${PARAGRAPHS_PER_DOCUMENT} per document, cycled; SQuAD dev questions`,
    *documents() {
      for (let copy = 1; ; copy++) {
        for (const [articleIndex, article] of squad.data.entries()) {
          const title = article.title.replace(/_/gu, ' ');
          for (let first = 0; first < article.paragraphs.length; first += PARAGRAPHS_PER_DOCUMENT) {
            const part = first / PARAGRAPHS_PER_DOCUMENT + 1;
            const text = article.paragraphs
              .slice(first, first + PARAGRAPHS_PER_DOCUMENT)
              .map((paragraph) => paragraph.context)
              .join('\n\n');
            yield shippedDocument(
              `squad-c${copy}-a${articleIndex}-p${part}`,
              `${title} (part ${part}${copy > 1 ? `, copy ${copy}` : ''})`,
              text,
            );
          }
        }
      }
    },
    questions: (count) => cycled(questions, count),
  };
}

/** Words of the shipped corpus, each as often as the corpus uses it. */
async function shippedWords(): Promise<string[]> {
  const documents = await loadShippedCorpus();
  return documents.flatMap((document) => splitWords(document.text));
}

async function shippedQuestions(): Promise<string[]> {
  const questions: string[] = [];
  for (const file of ['questions.json', 'questions-heldout.json']) {
    const set = JSON.parse(
      await readFile(fileURLToPath(new URL(file, import.meta.url)), 'utf8'),
    ) as {
      answerable: Array<{ question: string }>;
      unanswerable: Array<{ question: string }>;
    };
    questions.push(...[...set.answerable, ...set.unanswerable].map((item) => item.question));
  }
  return shuffled(questions, SEED);
}

export async function shippedVocabularySource(): Promise<CorpusSource> {
  const words = await shippedWords();
  const questions = await shippedQuestions();
  return {
    description:
      "seeded random text from the shipped corpus's words (SQuAD absent); shipped bench questions",
    *documents() {
      const random = mulberry32(SEED);
      const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
      const word = () => words[Math.floor(random() * words.length)]!;
      const sentence = () => {
        const text = Array.from({ length: between(10, 22) }, word).join(' ');
        return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
      };
      const paragraph = () => Array.from({ length: between(4, 7) }, sentence).join(' ');
      for (let index = 1; ; index++) {
        const title = Array.from({ length: between(3, 6) }, word).join(' ');
        const text = Array.from({ length: PARAGRAPHS_PER_DOCUMENT }, paragraph).join('\n\n');
        yield shippedDocument(`synthetic-${index}`, title, text);
      }
    },
    questions: (count) => cycled(questions, count),
  };
}

export async function openCorpusSource(squadFile: string | undefined): Promise<CorpusSource> {
  return squadFile ? squadCorpusSource(squadFile) : shippedVocabularySource();
}
