import { readFile } from 'node:fs/promises';
import MiniSearch from 'minisearch';
import { z } from 'zod';
import type { CorpusIndex } from '../src/core/corpus-index.ts';
import type { Answer } from '../src/core/types.ts';
import { renderAnswer as renderForTerminal } from '../src/cli/render.ts';
import { renderAnswer as renderForDiscord } from '../src/discord/render/answer.ts';
import { unescapeMarkdown } from '../src/discord/text.ts';

const questionSetSchema = z.strictObject({
  about: z.string().optional(),
  answerable: z.array(
    z.strictObject({ question: z.string(), documentId: z.string(), answer: z.string() }),
  ),
  unanswerable: z.array(z.strictObject({ question: z.string(), why: z.string() })),
});
export type QuestionSet = z.infer<typeof questionSetSchema>;

export async function loadQuestionSet(path: string): Promise<QuestionSet> {
  return questionSetSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

/** One system's figures on one question set. Percentages, except `mrr`. */
export interface QualityRow {
  system: string;
  answerable: number;
  unanswerable: number;
  hitAt1: number;
  hitAt3: number;
  mrr: number;
  /**
   * Share of answerable questions whose answer text is in an excerpt the Discord reply shows
   * (its first page of citations), read from the rendered embeds; null for a system without
   * excerpts.
   */
  answerShown: number | null;
  /** The same, read from the CLI's rendered text (every citation it prints). */
  answerShownCli: number | null;
  /** Share of unanswerable questions the system refused. */
  refusedUnanswerable: number;
  /** Answerable questions it refused (count). */
  wronglyRefused: number;
  misses: Array<{ question: string; rank: number | null; refused: boolean }>;
  /** Answerable questions answered without their answer in the Discord excerpts, and what showed. */
  hidden: Array<{ question: string; answer: string; shown: string[] }>;
  falseAnswers: string[];
}

/**
 * What a system returns for a question: the passages it cites, in order, or a refusal, and
 * the excerpts a reader sees of them in the Discord reply and on the terminal.
 */
type Retrieve = (question: string) => {
  refused: boolean;
  passages: string[];
  shown?: { discord: string[]; cli: string[] };
};

// Quotation marks are compared as one: the reply shows an excerpt's own quotes as single ones.
const normalize = (text: string) =>
  text
    .replace(/\s+/gu, ' ')
    .replace(/[“”"‘’']/gu, "'")
    .trim();

/** Rank (1-based) of the first passage containing the answer text, or null. */
function rankOf(passages: readonly string[], answer: string): number | null {
  const wanted = normalize(answer);
  const index = passages.findIndex((passage) => normalize(passage).includes(wanted));
  return index === -1 ? null : index + 1;
}

export function evaluate(system: string, retrieve: Retrieve, set: QuestionSet): QualityRow {
  let hit1 = 0;
  let hit3 = 0;
  let shownDiscord = 0;
  let shownCli = 0;
  let hasExcerpts = false;
  const hidden: QualityRow['hidden'] = [];
  let reciprocal = 0;
  let wronglyRefused = 0;
  const misses: QualityRow['misses'] = [];
  for (const item of set.answerable) {
    const result = retrieve(item.question);
    const rank = result.refused ? null : rankOf(result.passages, item.answer);
    if (result.refused) wronglyRefused += 1;
    if (rank === 1) hit1 += 1;
    if (rank !== null && rank <= 3) hit3 += 1;
    if (rank !== null) reciprocal += 1 / rank;
    if (result.shown) {
      hasExcerpts = true;
      const wanted = normalize(item.answer);
      const inDiscord = result.shown.discord.some((text) => normalize(text).includes(wanted));
      if (inDiscord) shownDiscord += 1;
      else if (!result.refused)
        hidden.push({ question: item.question, answer: item.answer, shown: result.shown.discord });
      if (result.shown.cli.some((text) => normalize(text).includes(wanted))) shownCli += 1;
    }
    if (rank !== 1) misses.push({ question: item.question, rank, refused: result.refused });
  }
  const falseAnswers: string[] = [];
  let refused = 0;
  for (const item of set.unanswerable) {
    if (retrieve(item.question).refused) refused += 1;
    else falseAnswers.push(item.question);
  }
  const n = set.answerable.length;
  const percent = (count: number, total: number) =>
    total === 0 ? 0 : Math.round((1000 * count) / total) / 10;
  return {
    system,
    answerable: n,
    unanswerable: set.unanswerable.length,
    hitAt1: percent(hit1, n),
    hitAt3: percent(hit3, n),
    mrr: Math.round((1000 * reciprocal) / Math.max(1, n)) / 1000,
    answerShown: hasExcerpts ? percent(shownDiscord, n) : null,
    answerShownCli: hasExcerpts ? percent(shownCli, n) : null,
    refusedUnanswerable: percent(refused, set.unanswerable.length),
    wronglyRefused,
    misses,
    hidden,
    falseAnswers,
  };
}

/** Footnote itself: the citations `ask` returns; a no-answer is a refusal. */
export function footnoteRetriever(corpus: CorpusIndex): Retrieve {
  return (question) => {
    const answer = corpus.ask(question);
    if (answer.status === 'no-answer')
      return { refused: true, passages: [], shown: { discord: [], cli: [] } };
    return {
      refused: false,
      passages: answer.citations.map((citation) => citation.passage),
      shown: shownExcerpts(answer),
    };
  };
}

const PLAIN_TEXT = { strong: (text: string) => text, dim: (text: string) => text };

/**
 * The excerpts as the reader gets them: the quoted text of each embed on the Discord reply's
 * first page, bold and escapes taken off, and each quoted line of the CLI's output. Read from
 * the rendered output, so a cut or a lost word in rendering counts against the answer.
 */
export function shownExcerpts(answer: Answer): { discord: string[]; cli: string[] } {
  const discord = renderForDiscord(answer).embeds.flatMap((embed) => {
    const quoted = /^“([\s\S]*)”\n\n/u.exec(embed.description ?? '');
    return quoted ? [unescapeMarkdown(quoted[1]!.replaceAll('**', ''))] : [];
  });
  const cli = renderForTerminal(answer, PLAIN_TEXT)
    .split('\n')
    .flatMap((line) => {
      const quoted = /^ {4}“(.*)”$/u.exec(line);
      return quoted ? [quoted[1]!] : [];
    });
  return { discord, cli };
}

/**
 * MiniSearch as a developer would start: default options over the same passages (title and
 * text), top 10, never refusing.
 */
export function miniSearchDefaultsRetriever(corpus: CorpusIndex): Retrieve {
  const index = new MiniSearch<{ id: string; title: string; text: string }>({
    fields: ['title', 'text'],
  });
  const texts = new Map<string, string>();
  for (const document of corpus.listDocuments()) {
    for (const passage of corpus.passagesOf(document.id)) {
      index.add({ id: passage.id, title: document.title, text: passage.text });
      texts.set(passage.id, passage.text);
    }
  }
  return (question) => ({
    refused: false,
    passages: index
      .search(question)
      .slice(0, 10)
      .map((result) => texts.get(result.id as string) ?? ''),
  });
}
