import { analyzeQuestion, termsRelated, tokenize, type QueryTerm } from './analysis.ts';
import { bestExcerpt } from './excerpt.ts';
import type { Candidate, PassageIndex } from './passage-index.ts';
import type { Answer, Citation, CorpusDocument, Passage, Suggestion } from './types.ts';

/**
 * When a passage counts as an answer. Tuned on `bench/questions.json`, checked on the held-out
 * `bench/questions-heldout.json`; `npm run bench` reports both.
 */
export const ANSWER_RULES = {
  /**
   * Share of the question's weight (idf of each content word; words the corpus never uses
   * weigh the most) that the passage must contain.
   */
  minCoverage: 0.45,
  /** Further citations must score at least this share of the best one. */
  minRelativeScore: 0.35,
  /** A second passage of an already cited document needs to be nearly as good as the best. */
  sameDocumentRelativeScore: 0.85,
  /** Passages judged per question; deeper ones never carry an answer worth quoting. */
  candidates: 30,
} as const;

/** What the answer rules need from the library. */
export interface AnswerContext {
  index: PassageIndex;
  passage(passageId: string): Passage | undefined;
  document(documentId: string): CorpusDocument | undefined;
  passageCount(documentId: string): number;
  /** The nearest documents, for a no-answer. */
  suggest(): Suggestion[];
}

interface Judged {
  candidate: Candidate;
  passage: Passage;
  document: CorpusDocument;
  coverage: number;
  missingNames: QueryTerm[];
  matched: QueryTerm[];
}

/**
 * Turns retrieval candidates into an answer: the passages that cover enough of the question
 * (and mention every name it asks about) become citations, at most one per document unless a
 * second is nearly as good; otherwise a no-answer that says which words found nothing.
 *
 * @example
 * composeAnswer('Which region introduced Covid-19 passports first?', candidates, context, 6);
 * // { status: 'answered', citations: [{ title: 'Russian Region Becomes First…', … }] }
 */
export function composeAnswer(
  question: string,
  candidates: readonly Candidate[],
  context: AnswerContext,
  limit: number,
): Answer {
  const terms = analyzeQuestion(question);
  if (terms.length === 0) {
    return noAnswer(question, [], context, 'Your question has no words I can search for: try naming what you want to know about.');
  }
  const weights = new Map(terms.map((term) => [term.term, context.index.idf(term.term)]));
  const judged = candidates
    .slice(0, ANSWER_RULES.candidates)
    .flatMap((candidate) => judge(candidate, terms, weights, context));
  const accepted = judged.filter(
    (entry) => entry.coverage >= ANSWER_RULES.minCoverage && entry.missingNames.length === 0,
  );
  if (accepted.length === 0) return explainNoAnswer(question, terms, judged, context);

  const best = accepted[0]!.candidate.score;
  const citations: Citation[] = [];
  const perDocument = new Map<string, number>();
  for (const entry of accepted) {
    if (citations.length >= limit) break;
    const relative = entry.candidate.score / best;
    const already = perDocument.get(entry.document.id) ?? 0;
    if (relative < ANSWER_RULES.minRelativeScore) break;
    if (already > 0 && relative < ANSWER_RULES.sameDocumentRelativeScore) continue;
    perDocument.set(entry.document.id, already + 1);
    citations.push(cite(entry, weights, context));
  }
  return { status: 'answered', question, citations };
}

function judge(
  candidate: Candidate,
  terms: readonly QueryTerm[],
  weights: ReadonlyMap<string, number>,
  context: AnswerContext,
): Judged[] {
  const passage = context.passage(candidate.passageId);
  const document = context.document(candidate.documentId);
  if (!passage || !document) return [];
  const present = new Set(
    tokenize(`${document.title}\n${passage.text}`).flatMap((token) => (token.term ? [token.term] : [])),
  );
  const contains = (term: string) => present.has(term);
  const containsLoosely = (term: string) => contains(term) || [...present].some((other) => termsRelated(term, other));
  const matched = terms.filter((term) => contains(term.term));
  const total = terms.reduce((sum, term) => sum + weights.get(term.term)!, 0);
  const covered = matched.reduce((sum, term) => sum + weights.get(term.term)!, 0);
  // A name the question asks about must be in the passage or its title: an article about
  // Russian passports does not answer a question about Germany's.
  const missingNames = terms.filter((term) => isName(term, context) && !containsLoosely(term.term));
  return [{ candidate, passage, document, coverage: covered / total, missingNames, matched }];
}

function isName(term: QueryTerm, context: AnswerContext): boolean {
  if (term.capitalized) return true;
  return context.index.isName(term.term);
}

function cite(entry: Judged, weights: ReadonlyMap<string, number>, context: AnswerContext): Citation {
  const { passage, document } = entry;
  const excerpt = bestExcerpt(passage.text, passage.start, weights);
  return {
    documentId: document.id,
    title: document.title,
    site: document.site,
    author: document.author,
    publishedAt: document.publishedAt,
    url: document.url,
    passageId: passage.id,
    ordinal: passage.ordinal,
    passageCount: context.passageCount(document.id),
    passage: passage.text,
    excerpt: excerpt.text,
    excerptRange: excerpt.range,
    marks: excerpt.marks,
    matchedTerms: entry.matched.map((term) => term.word),
    score: round(entry.candidate.score),
  };
}

function explainNoAnswer(
  question: string,
  terms: readonly QueryTerm[],
  judged: readonly Judged[],
  context: AnswerContext,
): Answer {
  const unknown = terms.filter((term) => context.index.passageFrequency(term.term) === 0);
  const closest = judged[0];
  if (!closest) {
    const words = quoteList(terms.map((term) => term.word));
    return noAnswer(question, terms.map((term) => term.word), context, `No document mentions ${words}.`);
  }
  const missingNames = closest.missingNames;
  if (missingNames.length > 0) {
    const found = quoteList(closest.matched.map((term) => term.word));
    const names = quoteList(missingNames.map((term) => term.word));
    const reason = found
      ? `Passages mention ${found}, but none of them is about ${names}.`
      : `No passage mentions ${names}.`;
    return noAnswer(question, missingNames.map((term) => term.word), context, reason);
  }
  const missing = terms.filter((term) => !closest.matched.includes(term));
  const absent = unknown.length > 0 ? unknown : missing;
  const reason =
    unknown.length > 0
      ? `The documents never mention ${quoteList(unknown.map((term) => term.word))}, and no passage covers enough of the question.`
      : `No passage covers enough of the question; the closest one does not mention ${quoteList(missing.map((term) => term.word))}.`;
  return noAnswer(question, absent.map((term) => term.word), context, reason);
}

function noAnswer(question: string, missingTerms: string[], context: AnswerContext, reason: string): Answer {
  return { status: 'no-answer', question, reason, missingTerms, suggestions: context.suggest() };
}

function quoteList(words: readonly string[]): string {
  const quoted = words.map((word) => `“${word}”`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
