/**
 * The pruning check: Footnote's ranking with pruned evaluation against the same index walking
 * every posting (MiniSearch's own OR search), on every SQuAD dev question. The top 30 (what
 * the answer rules read) must be the same passages in the same order, and R@1 must not move.
 */
import { performance } from 'node:perf_hooks';
import { rankingQuality, rankOf, roundMs, type RankingQuality } from './metrics.ts';
import { footnoteRetriever, RETRIEVERS, type Retriever } from './retrievers.ts';
import { readSquadFile, squadSplit } from './squad-data.ts';

/** The candidates the answer rules judge (`ANSWER_RULES.candidates`). */
export const CHECKED_DEPTH = 30;
/** Differing questions listed in the report, at most. */
const LISTED = 10;

export interface PruningDifference {
  question: string;
  /** 1-based first rank where the two lists differ. */
  rank: number;
  pruned: number[];
  exhaustive: number[];
}

export interface PruningReport {
  passages: number;
  questions: number;
  depth: number;
  /** Questions whose top `depth` is identical, ids and order. */
  identical: number;
  differences: PruningDifference[];
  pruned: RankingQuality & { searchMs: number };
  exhaustive: RankingQuality & { searchMs: number };
  minisearchDefaults: RankingQuality;
}

function rankAll(retriever: Retriever, questions: readonly string[]) {
  const start = performance.now();
  const tops = questions.map((question) => retriever.search(question));
  return { tops, searchMs: roundMs(performance.now() - start) };
}

export async function runPruningCheck(
  file: string,
  progress?: (message: string) => void,
): Promise<PruningReport> {
  const dev = squadSplit(await readSquadFile(file), 'dev');
  const questions = dev.questions.map((question) => question.question);
  const build = (retriever: Retriever) => {
    retriever.build(dev.passages);
    return retriever;
  };
  progress?.('pruning: exhaustive and pruned rankings of every SQuAD dev question');
  const pruned = rankAll(build(footnoteRetriever({ depth: CHECKED_DEPTH })), questions);
  const exhaustive = rankAll(
    build(footnoteRetriever({ depth: CHECKED_DEPTH, evaluation: 'exhaustive' })),
    questions,
  );
  const differences: PruningDifference[] = [];
  pruned.tops.forEach((top, index) => {
    const reference = exhaustive.tops[index]!;
    const rank = firstDifference(top, reference);
    if (rank > 0) {
      differences.push({ question: questions[index]!, rank, pruned: top, exhaustive: reference });
    }
  });
  progress?.('pruning: MiniSearch defaults on the same questions');
  const defaults = RETRIEVERS.find((spec) => spec.name === 'minisearch-defaults')!.create();
  const defaultTops = rankAll(build(defaults), questions).tops;
  const quality = (tops: number[][]) =>
    rankingQuality(tops.map((top, index) => rankOf(dev.questions[index]!.goldId, top)));
  return {
    passages: dev.passages.length,
    questions: questions.length,
    depth: CHECKED_DEPTH,
    identical: questions.length - differences.length,
    differences: differences.slice(0, LISTED),
    pruned: { ...quality(pruned.tops), searchMs: pruned.searchMs },
    exhaustive: { ...quality(exhaustive.tops), searchMs: exhaustive.searchMs },
    minisearchDefaults: quality(defaultTops),
  };
}

/** 1-based rank of the first position where the lists differ; 0 when they are the same. */
function firstDifference(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return index + 1;
  return 0;
}

export function pruningMarkdown(report: PruningReport): string[] {
  const row = (name: string, quality: RankingQuality & { searchMs?: number }) =>
    `| ${name} | ${quality.recallAt1} | ${quality.recallAt5} | ${quality.recallAt10} | ${quality.mrrAt10.toFixed(3)} | ${quality.searchMs === undefined ? '—' : Math.round(quality.searchMs).toLocaleString('en-US')} |`;
  return [
    `### Pruned evaluation against exhaustive evaluation (SQuAD v1.1 dev, ${report.passages.toLocaleString('en-US')} passages)`,
    '',
    `Top ${report.depth} identical (same passages, same order) on **${report.identical.toLocaleString('en-US')} of ${report.questions.toLocaleString('en-US')}** questions.`,
    ...report.differences.map(
      (difference) =>
        `- differs from rank ${difference.rank}: ${difference.question} (pruned ${difference.pruned.slice(difference.rank - 1, difference.rank + 2).join(', ')}; exhaustive ${difference.exhaustive.slice(difference.rank - 1, difference.rank + 2).join(', ')})`,
    ),
    '',
    '| ranking | R@1 | R@5 | R@10 | MRR@10 | search ms, all questions |',
    '|---|---:|---:|---:|---:|---:|',
    row('footnote, pruned', report.pruned),
    row('footnote, exhaustive (MiniSearch OR search)', report.exhaustive),
    row('minisearch-defaults', report.minisearchDefaults),
    '',
  ];
}
