/**
 * The passage retrievers compared on SQuAD: Footnote's own `PassageIndex`, the peer libraries
 * configured as in `../shared/retrieval-bench/lib/adapters.mjs`, and MiniSearch rebuilt with
 * Footnote's settings one lever at a time (the ablation rows). Each indexes `{id, title, text}`
 * passages and answers a question with the ids of its top 10.
 */
import { createRequire } from 'node:module';
import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import { analyzeQuestion } from '../src/core/analysis.ts';
import {
  analyzePassage,
  PASSAGE_INDEX_OPTIONS,
  PassageIndex,
  QUESTION_SEARCH_OPTIONS,
  type Evaluation,
  type PassageTerms,
} from '../src/core/passage-index.ts';
import type { Passage } from '../src/core/types.ts';

export const TOP_K = 10;

export interface BenchPassage {
  id: number;
  title: string;
  text: string;
}

export interface Retriever {
  build(passages: readonly BenchPassage[]): void;
  /** Ids of the best passages, best first, at most `TOP_K` (or the retriever's depth). */
  search(question: string): number[];
}

export interface RetrieverSpec {
  name: string;
  role: 'footnote' | 'peer' | 'ablation';
  description: string;
  /**
   * The row this one rebuilds from outside and should score exactly as; the report says so when
   * it does not (Footnote's search changed in a way the ablation no longer mirrors).
   */
  reproduces?: string;
  create(): Retriever;
}

/**
 * Footnote's ranking as `Library.ask` gets it: each paragraph is a document with a single
 * passage, and the order is that of `PassageIndex.search` with the proximity re-rank of the
 * top passages (before the answer rules, which choose what to quote; with one passage per
 * document their document-context credit changes nothing). `proximity: false` is the ablation
 * row without the re-rank; `evaluation: 'exhaustive'` walks every posting (the pruning check),
 * `depth` is how many ids `search` returns.
 */
export function footnoteRetriever({
  proximity = true,
  evaluation = 'pruned',
  depth = TOP_K,
}: { proximity?: boolean; evaluation?: Evaluation; depth?: number } = {}): Retriever {
  const index = new PassageIndex();
  const benchIdOf = new Map<string, number>();
  const texts = new Map<string, string>();
  const analyses = new Map<string, PassageTerms>();
  const analysed = (passageId: string) => {
    let analysis = analyses.get(passageId);
    const text = texts.get(passageId);
    if (!analysis && text !== undefined) {
      analysis = analyzePassage(text);
      analyses.set(passageId, analysis);
    }
    return analysis;
  };
  return {
    build(passages) {
      for (const { id, title, text } of passages) {
        const documentId = `squad-${id}`;
        const passage: Passage = {
          id: `${documentId}#1`,
          documentId,
          ordinal: 1,
          start: 0,
          end: text.length,
          text,
        };
        index.add({ id: documentId, title }, [passage]);
        benchIdOf.set(passage.id, id);
        texts.set(passage.id, text);
      }
    },
    search(question) {
      return index
        .search(question, () => true, depth, proximity ? analysed : undefined, evaluation)
        .map((candidate) => benchIdOf.get(candidate.passageId)!);
    },
  };
}

/**
 * How a MiniSearch retriever analyses text. `footnote`: Footnote's tokenizer and `processTerm`
 * for passages, and for questions its distinct terms (`analyzeQuestion`) handed to MiniSearch
 * already processed, as `PassageIndex.search` does. `minisearch`: MiniSearch's defaults.
 */
type Analysis = 'footnote' | 'minisearch';

const FOOTNOTE_INDEX_ANALYSIS = {
  tokenize: PASSAGE_INDEX_OPTIONS.tokenize,
  processTerm: PASSAGE_INDEX_OPTIONS.processTerm,
};
/** Query leaves that are index terms already must not be tokenized or stemmed again. */
const ALREADY_ANALYSED = {
  tokenize: (term: string) => [term],
  processTerm: (term: string) => term,
};

/**
 * MiniSearch over `{id, title, text}`. `removeCoordination` divides out the number of distinct
 * query terms MiniSearch multiplies each score by, as `PassageIndex.search` does.
 */
function miniSearchRetriever(
  analysis: Analysis,
  search: SearchOptions,
  removeCoordination: boolean,
): Retriever {
  let index: MiniSearch<BenchPassage>;
  const query = (question: string): SearchResult[] => {
    if (analysis === 'minisearch') return index.search(question, search);
    const terms = analyzeQuestion(question).map((term) => term.term);
    if (terms.length === 0) return [];
    return index.search({ combineWith: 'OR', queries: terms }, { ...search, ...ALREADY_ANALYSED });
  };
  const rerank = (results: SearchResult[]) =>
    removeCoordination
      ? results
          .map((result) => ({
            ...result,
            score: result.score / Math.max(1, result.queryTerms.length),
          }))
          .sort((a, b) => b.score - a.score || String(a.id).localeCompare(String(b.id)))
      : results;
  return {
    build(passages) {
      index = new MiniSearch<BenchPassage>({
        fields: ['title', 'text'],
        ...(analysis === 'footnote' ? FOOTNOTE_INDEX_ANALYSIS : {}),
      });
      index.addAll(passages);
    },
    search(question) {
      return rerank(query(question))
        .slice(0, TOP_K)
        .map((result) => result.id as number);
    },
  };
}

// ---------------------------------------------------------------- wink-bm25-text-search
// CommonJS packages without type declarations: typed here for the calls the bench makes.
const require = createRequire(import.meta.url);

interface WinkEngine {
  defineConfig(config: { fldWeights: Record<string, number> }): void;
  definePrepTasks(tasks: unknown[]): void;
  addDoc(document: Record<string, string>, id: number): void;
  consolidate(): void;
  search(text: string, limit: number): Array<[string, number]>;
}
interface WinkNlpUtils {
  string: { lowerCase: unknown; tokenize0: unknown };
  tokens: { removeWords: unknown; stem: unknown; propagateNegations: unknown };
}

/** The prep tasks of wink-bm25-text-search's documented example, equal field weights, BM25 defaults. */
function winkRetriever(): Retriever {
  const createEngine = require('wink-bm25-text-search') as () => WinkEngine;
  const nlp = require('wink-nlp-utils') as WinkNlpUtils;
  const engine = createEngine();
  return {
    build(passages) {
      engine.defineConfig({ fldWeights: { title: 1, text: 1 } });
      engine.definePrepTasks([
        nlp.string.lowerCase,
        nlp.string.tokenize0,
        nlp.tokens.removeWords,
        nlp.tokens.stem,
        nlp.tokens.propagateNegations,
      ]);
      for (const { id, title, text } of passages) engine.addDoc({ title, text }, id);
      engine.consolidate();
    },
    search: (question) => engine.search(question, TOP_K).map(([id]) => Number(id)),
  };
}

// ----------------------------------------------------------------------------------- lunr
interface LunrBuilder {
  ref(field: string): void;
  field(name: string): void;
  add(document: object): void;
}
interface LunrIndex {
  query(build: (query: { term(term: string): void }) => void): Array<{ ref: string }>;
}
interface Lunr {
  (configure: (this: LunrBuilder) => void): LunrIndex;
  tokenizer(text: string): object[];
  trimmer(token: object): { toString(): string };
}

/**
 * lunr's default pipeline (trimmer, stop words, Porter). Questions are tokenized and trimmed
 * by lunr and added as plain terms: `idx.search()` reads `: ^ ~ + - *` as operators and throws
 * on some questions.
 */
function lunrRetriever(): Retriever {
  const lunr = require('lunr') as Lunr;
  let index: LunrIndex;
  return {
    build(passages) {
      index = lunr(function () {
        this.ref('id');
        this.field('title');
        this.field('text');
        for (const passage of passages) this.add(passage);
      });
    },
    search(question) {
      const results = index.query((query) => {
        for (const token of lunr.tokenizer(question)) {
          const term = lunr.trimmer(token).toString();
          if (term) query.term(term);
        }
      });
      return results.slice(0, TOP_K).map((result) => Number(result.ref));
    },
  };
}

// ------------------------------------------------------------------------------ ablation
/** Footnote's search options without its title boost. */
const { boost: _titleBoost, ...SEARCH_WITHOUT_BOOST } = QUESTION_SEARCH_OPTIONS;
const TITLE_BOOST = QUESTION_SEARCH_OPTIONS.boost.title;

export const RETRIEVERS: readonly RetrieverSpec[] = [
  {
    name: 'footnote',
    role: 'footnote',
    description:
      'PassageIndex.search with the proximity re-rank (src/core/passage-index.ts), one passage per paragraph',
    create: () => footnoteRetriever(),
  },
  {
    name: 'minisearch-defaults',
    role: 'peer',
    description: "new MiniSearch({ fields: ['title', 'text'] }), search(q)",
    create: () => miniSearchRetriever('minisearch', {}, false),
  },
  {
    name: 'wink-bm25',
    role: 'peer',
    description: 'wink-bm25-text-search, wink-nlp-utils prep tasks of its example, BM25 defaults',
    create: winkRetriever,
  },
  {
    name: 'lunr',
    role: 'peer',
    description: 'lunr default pipeline, question terms through idx.query()',
    create: lunrRetriever,
  },
  {
    name: 'ms+stop+stem',
    role: 'ablation',
    description:
      "MiniSearch + Footnote's analysis (src/core/analysis.ts), coordination multiplier kept, no title boost",
    create: () => miniSearchRetriever('footnote', SEARCH_WITHOUT_BOOST, false),
  },
  {
    name: 'ms+stop+stem+no-coord',
    role: 'ablation',
    description: '… and the coordination multiplier divided out',
    create: () => miniSearchRetriever('footnote', SEARCH_WITHOUT_BOOST, true),
  },
  {
    name: `ms+stop+stem+no-coord+title${TITLE_BOOST}`,
    role: 'ablation',
    description: `… and title boost ${TITLE_BOOST}: Footnote's search rebuilt from outside (should match the next row)`,
    reproduces: 'footnote-without-proximity',
    create: () => miniSearchRetriever('footnote', QUESTION_SEARCH_OPTIONS, true),
  },
  {
    name: 'footnote-without-proximity',
    role: 'ablation',
    description: 'PassageIndex.search alone: Footnote without the proximity re-rank of its top 20',
    create: () => footnoteRetriever({ proximity: false }),
  },
  {
    name: `ms+no-coord+title${TITLE_BOOST}`,
    role: 'ablation',
    description: "Footnote without its analysis (MiniSearch's default tokenizer, lower case only)",
    create: () => miniSearchRetriever('minisearch', QUESTION_SEARCH_OPTIONS, true),
  },
];
