/**
 * SQuAD v1.1 dev passage retrieval: every paragraph is a passage, every question is searched,
 * and only the paragraph the question was written for counts as a hit. Footnote's ranking is
 * compared with peer libraries and with MiniSearch rebuilt with Footnote's levers one at a time.
 * The dev-b half (odd articles, never used to choose a setting) is the held-out check.
 */
import { rankingQuality, rankOf, type RankingQuality } from './metrics.ts';
import { RETRIEVERS, type RetrieverSpec } from './retrievers.ts';
import { readSquadFile, squadSplit, type SquadSplit } from './squad-data.ts';

export interface SquadQuality extends RankingQuality {
  passages: number;
}

export interface SquadRow extends SquadQuality {
  system: string;
  role: RetrieverSpec['role'];
  description: string;
  reproduces?: string;
  /**
   * The same measurement on dev-b alone (its own index over dev-b's passages). Not for the
   * ablation rows: they would add a minute to every bench run.
   */
  heldout?: SquadQuality;
}

export interface SquadReport {
  file: string;
  articles: number;
  heldoutArticles: number;
  rows: SquadRow[];
}

export interface SquadOptions {
  file: string;
  /** Told what is running, for a long bench (stderr). */
  progress?: (message: string) => void;
}

function measure(spec: RetrieverSpec, split: SquadSplit): SquadQuality {
  const retriever = spec.create();
  retriever.build(split.passages);
  const ranks = split.questions.map(({ question, goldId }) =>
    rankOf(goldId, retriever.search(question)),
  );
  return { ...rankingQuality(ranks), passages: split.passages.length };
}

export async function runSquad(options: SquadOptions): Promise<SquadReport> {
  const squad = await readSquadFile(options.file);
  const dev = squadSplit(squad, 'dev');
  const devB = squadSplit(squad, 'dev-b');
  const rows = RETRIEVERS.map((spec): SquadRow => {
    options.progress?.(`squad: ${spec.name}`);
    return {
      system: spec.name,
      role: spec.role,
      description: spec.description,
      ...(spec.reproduces ? { reproduces: spec.reproduces } : {}),
      ...measure(spec, dev),
      ...(spec.role === 'ablation' ? {} : { heldout: measure(spec, devB) }),
    };
  });
  return { file: options.file, articles: dev.articles, heldoutArticles: devB.articles, rows };
}

/** `squad.<system>` in the JSON output. */
export function squadJson(report: SquadReport): Record<string, Omit<SquadRow, 'system'>> {
  return Object.fromEntries(report.rows.map(({ system, ...row }) => [system, row]));
}

const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}`;

export function squadMarkdown(report: SquadReport): string {
  const footnote = report.rows.find((row) => row.role === 'footnote')!;
  const heldout = footnote.heldout!;
  const table = (rows: SquadRow[]) => [
    '| system | R@1 | R@5 | R@10 | MRR@10 | ΔR@1 vs footnote | dev-b R@1 (held out) | what it is |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.role === 'footnote' ? `**${row.system}**` : row.system} | ${row.recallAt1.toFixed(1)} | ` +
        `${row.recallAt5.toFixed(1)} | ${row.recallAt10.toFixed(1)} | ${row.mrrAt10.toFixed(3)} | ${row === footnote ? '—' : signed(row.recallAt1 - footnote.recallAt1)} | ` +
        `${row.heldout?.recallAt1.toFixed(1) ?? '—'} | ${row.description} |`,
    ),
  ];
  const replicaNotes = report.rows.flatMap((replica) => {
    const original = report.rows.find((row) => row.system === replica.reproduces);
    if (
      !original ||
      (replica.recallAt1 === original.recallAt1 && replica.mrrAt10 === original.mrrAt10)
    ) {
      return [];
    }
    return [
      '',
      `Note: ${replica.system} (R@1 ${replica.recallAt1}) no longer matches ${original.system} ` +
        `(R@1 ${original.recallAt1}): Footnote's search changed in a way the rebuilt rows do not mirror.`,
    ];
  });
  return [
    `## SQuAD v1.1 dev passage retrieval (${footnote.passages} passages from ${report.articles} articles, ${footnote.questions} questions)`,
    '',
    'A hit is the paragraph the question was written for; recall in percent. ' +
      `Held out: dev-b, the ${report.heldoutArticles} odd-numbered articles indexed alone ` +
      `(${heldout.passages} passages, ${heldout.questions} questions), never used to choose a setting.`,
    '',
    ...table(report.rows.filter((row) => row.role !== 'ablation')),
    '',
    "### Footnote's retrieval levers, one at a time",
    '',
    ...table(report.rows.filter((row) => row.role !== 'peer')),
    ...replicaNotes,
    '',
  ].join('\n');
}
