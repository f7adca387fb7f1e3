import {
  holdsRelated,
  splitWords,
  type DocumentTerms,
  type QueryTerm,
  type TermSet,
} from './analysis.ts';
import { answerKindOf, holdsAnswer, type AnswerKind } from './answer-kind.ts';
import { bestExcerpt, NO_FOCUS, type ExcerptFocus, type Neighbours } from './excerpt.ts';
import {
  answerProbability,
  REFUSAL_MODEL,
  type RefusalFeatures,
  type RefusalModel,
} from './refusal.ts';
import { ageInDays, asksForLatest } from './recency.ts';
import type { Candidate, PassageIndex, PassageTerms } from './passage-index.ts';
import type { Answer, Citation, CorpusDocument, Passage, Suggestion } from './types.ts';

/**
 * How an answer is put together once the refusal model (`refusal.ts`, fit on SQuAD) has judged
 * which passages answer. `npm run bench` reports the shipped-corpus and SQuAD figures.
 */
export const ANSWER_RULES = {
  /** Further citations must score at least this share of the best one. */
  minRelativeScore: 0.35,
  /**
   * A second passage of an already cited document needs this share of the best score: the
   * answer is often in the paragraph next to the one that repeats the question. Tuned for
   * answer shown on `bench/questions.json` (0.85 → 0.7: 68.6 % → 72.5 %; lower changed nothing).
   */
  sameDocumentRelativeScore: 0.7,
  /**
   * A name missing from a passage is still its subject when the document mentions it this often
   * ("Lavrov" in an article about him); a single mention elsewhere ("Germany" in a list) is not.
   */
  nameMentions: 3,
  /** Weight of a question word found in the passage's document but not in the passage itself. */
  documentContextWeight: 0.5,
  /** For "latest" questions, passages within this share of the best score count as tied. */
  recencyTie: 0.15,
  /** Passages judged per question; deeper ones never carry an answer worth quoting. */
  candidates: 30,
  /**
   * Kinds of answer cited first: for "When did…?" the passages that hold a date, for "How
   * many…?" those that hold a number; the others only when no accepted passage holds one. Only
   * these two, which a pattern finds fairly reliably. A preference, not a refusal: on SQuAD
   * dev-b, refusing passages without the kind refused 0.6 % more answerable questions for 0.6 %
   * more unanswerable ones, where the threshold buys several times that. Measured with
   * `npm run bench -- --only corpus`: the tuning set unchanged; held out hit@3 79.4 → 82.4 %
   * and answer shown 70.6 → 73.5 % (a dated passage cited before an undated one); unseen and
   * reworded unchanged. A weekday, a season, a time of day, a year of any era, "last year" or
   * "after the elections" counts as a date.
   */
  kindsPreferred: ['number', 'date'] as readonly AnswerKind[],
} as const;

/** A number's ordinal forms as index terms ("20" → "20th", …); none for any other term. */
function ordinalsOf(term: string): string[] {
  return /^\d+$/u.test(term) ? ['st', 'nd', 'rd', 'th'].map((ending) => term + ending) : [];
}

/** What the answer rules need from the corpus index. */
export interface AnswerContext {
  index: PassageIndex;
  passage(passageId: string): Passage | undefined;
  document(documentId: string): CorpusDocument | undefined;
  passageCount(documentId: string): number;
  /** Every index term of a passage and of its document's title. */
  passageTerms(passageId: string): TermSet;
  /** A passage's terms in order and by sentence (no title), for the proximity features. */
  passageAnalysis(passageId: string): PassageTerms | undefined;
  /** How often each index term occurs in a document, title included. */
  documentTerms(documentId: string): DocumentTerms;
  /** The nearest documents, for a no-answer. */
  suggest(): Suggestion[];
}

/** How one candidate passage measures up against the question: plain data, for `explain`. */
export interface Judged {
  candidate: Candidate;
  passage: Passage;
  document: CorpusDocument;
  /** Share of the question's weight the passage (with its title) contains; unknown words weigh most. */
  coverage: number;
  /** The same share counting only words the corpus uses somewhere. */
  knownCoverage: number;
  /** Share of the question's content words the passage contains, each counted once. */
  termShare: number;
  /**
   * The retrieval score plus credit for question words the passage lacks but its document has:
   * a paragraph of the article about Bashkortostan is about Bashkortostan without naming it.
   */
  score: number;
  /** Names (and numbers) the question asks about that the passage's document never mentions. */
  missingNames: QueryTerm[];
  matched: QueryTerm[];
  /** What the refusal model reads about this candidate. */
  features: RefusalFeatures;
  /** The refusal model's probability that this passage answers the question. */
  probability: number;
}

/**
 * What a question asks for, read from its wording: the kind of answer and its own words.
 *
 * @example
 * focusOf('How many doses has Bashkortostan received?').kind; // 'number'
 */
export function focusOf(question: string): ExcerptFocus {
  return {
    kind: answerKindOf(question),
    questionWords: new Set(splitWords(question).map((word) => word.toLowerCase())),
  };
}

/**
 * Measures each candidate against the question. A name or number the question asks about must
 * appear in the passage's document, loosely ("Russian" for "Russia"): a paragraph of an article
 * about Bashkortostan may answer "…in Bashkortostan?" without repeating the name, but nothing
 * in an article about Russia answers "What did Germany decide?". Names are rarely paraphrased,
 * so this is the strongest sign that a question is about something the corpus does not cover.
 *
 * @example
 * judgeCandidates(analyzeQuestion('What did Germany decide about vaccine passports?'), candidates, context)[0].missingNames;
 * // [{ word: 'Germany', … }]
 */
export function judgeCandidates(
  terms: readonly QueryTerm[],
  candidates: readonly Candidate[],
  context: AnswerContext,
  model: RefusalModel = REFUSAL_MODEL,
  asked: ExcerptFocus = NO_FOCUS,
): Judged[] {
  const weights = termWeights(terms, context);
  const known = terms.filter((term) => isKnown(term, context));
  const total = sumWeights(terms, weights);
  const knownTotal = sumWeights(known, weights);
  const share = (weight: number) => (total === 0 ? 0 : weight / total);
  const unknownShare = share(total - knownTotal);
  // A word no passage uses has the highest idf there is: specificities are shares of it.
  const unusedIdf = context.index.idf('\u0000');
  const specificity = (term: QueryTerm) =>
    unusedIdf > 0 ? (weights.get(term.term) ?? 0) / unusedIdf : 0;
  // What depends on the question alone is worked out once, not for each of the candidates.
  const names = terms.map((term) => isName(term, context));
  const knownTerm = terms.map((term) => known.includes(term));
  const specificities = terms.map(specificity);
  const pairs = questionPairs(terms);
  // How often each document mentions each name, counted once per document: candidates share them.
  const mentionsByDocument = new Map<string, Map<string, number>>();
  const measured = candidates.slice(0, ANSWER_RULES.candidates).flatMap((candidate) => {
    const passage = context.passage(candidate.passageId);
    const document = context.document(candidate.documentId);
    if (!passage || !document) return [];
    const present = context.passageTerms(passage.id);
    const inDocument = context.documentTerms(document.id);
    let mentions = mentionsByDocument.get(document.id);
    if (!mentions) mentionsByDocument.set(document.id, (mentions = new Map<string, number>()));
    const mentionsOf = (term: string) => {
      let count = mentions.get(term);
      if (count === undefined) mentions.set(term, (count = inDocument.related(term)));
      return count;
    };
    // A name is the passage's subject if the passage has it, or the document keeps coming back to it.
    // The passage's related terms are read last: that is a pass over all of them, where the
    // document's count is kept for the other candidates of the same document.
    const mentioned = (term: string) =>
      present.has(term) ||
      mentionsOf(term) >= ANSWER_RULES.nameMentions ||
      holdsRelated(term, present);
    // One pass over the question's terms, each looked up once in the passage (with its title)
    // and once in its document. The sums add in the terms' order, as summing the filtered
    // lists did (a float sum depends on it); the largest values start from 0, as before.
    const matched: QueryTerm[] = [];
    let covered = 0;
    let fromDocument = 0;
    let documentCovered = 0;
    let heaviestMissing = 0;
    let rarestMatched = 0;
    let rarestMissing = 0;
    let matchedSpecificity = 0;
    let missingSpecificity = 0;
    let knownMatched = 0;
    terms.forEach((term, index) => {
      const weight = weights.get(term.term) ?? 0;
      const inDocumentToo = containsTerm(inDocument, term);
      if (inDocumentToo) documentCovered += weight;
      if (containsTerm(present, term)) {
        matched.push(term);
        covered += weight;
        rarestMatched = Math.max(rarestMatched, specificities[index]!);
        matchedSpecificity += specificities[index]!;
        if (knownTerm[index]) knownMatched += 1;
      } else {
        if (inDocumentToo) fromDocument += weight;
        heaviestMissing = Math.max(heaviestMissing, weights.get(term.term)!);
        rarestMissing = Math.max(rarestMissing, specificities[index]!);
        missingSpecificity += specificities[index]!;
      }
    });
    // A number is mentioned by its ordinal ("the 20th anniversary" for "20 years ago"), and a
    // year by the document's date ("in nov 2021" of an item dated 15 November 2021).
    const numberMentioned = (term: string) =>
      (/^\d{4}$/u.test(term) && document.publishedAt?.startsWith(term) === true) ||
      ordinalsOf(term).some((ordinal) => inDocument.has(ordinal));
    const missingNames = terms.filter(
      (term, index) =>
        names[index] &&
        !mentioned(term.term) &&
        !numberMentioned(term.term) &&
        !term.alternatives.some(mentioned),
    );
    const { bestSentence, pairShare } = proximity(
      terms,
      weights,
      pairs,
      context.passageAnalysis(passage.id),
    );
    const score = candidate.score + ANSWER_RULES.documentContextWeight * fromDocument;
    return [
      {
        candidate,
        passage,
        document,
        rarestMatched,
        rarestMissing,
        matchedSpecificity,
        missingSpecificity,
        knownTermShare: known.length === 0 ? 0 : knownMatched / known.length,
        kindAbsent:
          asked.kind !== 'other' && !holdsAnswer(asked.kind, passage.text, asked.questionWords)
            ? 1
            : 0,
        coverage: share(covered),
        knownCoverage: knownTotal === 0 ? 0 : covered / knownTotal,
        termShare: terms.length === 0 ? 0 : matched.length / terms.length,
        score,
        missingNames,
        matched,
        heaviestMissing: share(heaviestMissing),
        bestSentence: share(bestSentence),
        pairShare,
        documentCoverage: share(documentCovered),
      },
    ];
  });
  // The margins and shares compare each candidate with the others, so they need them all first.
  const ranked = [...measured].sort((a, b) => b.score - a.score);
  const [first, second] = ranked;
  const scoreSum = ranked.reduce((sum, entry) => sum + Math.max(0, entry.score), 0);
  const documentScore = new Map<string, number>();
  for (const entry of ranked) {
    documentScore.set(
      entry.document.id,
      (documentScore.get(entry.document.id) ?? 0) + Math.max(0, entry.score),
    );
  }
  const relativeLead = (score: number, other: number) =>
    score <= 0 ? 0 : Math.max(-1, (score - other) / score);
  const topFive = ranked.slice(0, 5);
  // What the best candidate of another document scores and covers, from the two best
  // documents: filtering every other candidate for each one was most of this loop.
  const otherDocumentsScore = bestOfOtherDocuments(ranked, (entry) => entry.score);
  const otherDocumentsCoverage = bestOfOtherDocuments(ranked, (entry) => entry.coverage);
  const unknown = terms.filter((term) => !known.includes(term));
  const unknownNames = unknown.filter((term) => isName(term, context)).length;
  const unknownWords = unknown.filter(
    (term) => !isName(term, context) && term.alternatives.length > 0,
  ).length;
  return measured.map((measuredEntry) => {
    const {
      heaviestMissing,
      bestSentence,
      pairShare,
      documentCoverage,
      rarestMatched,
      rarestMissing,
      matchedSpecificity,
      missingSpecificity,
      knownTermShare,
      kindAbsent,
    } = measuredEntry;
    const entry = measuredEntry;
    const bestOther = measuredEntry === first ? (second?.score ?? 0) : (first?.score ?? 0);
    const features: RefusalFeatures = {
      coverage: entry.coverage,
      knownCoverage: entry.knownCoverage,
      termShare: entry.termShare,
      unknownShare,
      heaviestMissing,
      normalizedScore: share(entry.score),
      margin: relativeLead(entry.score, bestOther),
      missingNames: entry.missingNames.length,
      logTerms: Math.log1p(terms.length),
      bestSentence,
      pairShare,
      documentCoverage,
      documentShare: scoreSum === 0 ? 0 : (documentScore.get(entry.document.id) ?? 0) / scoreSum,
      documentMargin: relativeLead(entry.score, otherDocumentsScore(entry.document.id) ?? 0),
      rarestMatched,
      rarestMissing,
      matchedSpecificity,
      missingSpecificity,
      unknownTerms: unknown.length,
      missingTerms: terms.length - entry.matched.length,
      knownTermShare,
      scoreToTop: first && first.score > 0 ? entry.score / first.score : 0,
      knownNormalizedScore: knownTotal === 0 ? 0 : entry.score / knownTotal,
      coverageLead: entry.coverage - Math.max(0, otherDocumentsCoverage(entry.document.id) ?? 0),
      documentAgreement:
        topFive.length === 0
          ? 0
          : topFive.filter((other) => other.document.id === entry.document.id).length /
            topFive.length,
      kindAbsent,
      unknownNames,
      unknownWords,
    };
    // Written out rather than spread from the entry less its features: copying an object
    // without some of its properties made a slow object per candidate.
    return {
      candidate: entry.candidate,
      passage: entry.passage,
      document: entry.document,
      coverage: entry.coverage,
      knownCoverage: entry.knownCoverage,
      termShare: entry.termShare,
      score: entry.score,
      missingNames: entry.missingNames,
      matched: entry.matched,
      features,
      probability: answerProbability(features, model),
    };
  });
}

/**
 * For each document, the largest `value` among the entries of the other documents (undefined
 * when there are none): the best document's value for all but the best document itself, which
 * gets the best of the rest.
 */
function bestOfOtherDocuments<T extends { document: { id: string } }>(
  entries: readonly T[],
  value: (entry: T) => number,
): (documentId: string) => number | undefined {
  let best: { documentId: string; value: number } | undefined;
  // The largest value among the entries of documents other than the best one.
  let rest: number | undefined;
  for (const entry of entries) {
    const current = value(entry);
    if (best === undefined) best = { documentId: entry.document.id, value: current };
    else if (entry.document.id === best.documentId) best.value = Math.max(best.value, current);
    else if (current > best.value) {
      // The former best was at least every value met so far.
      rest = best.value;
      best = { documentId: entry.document.id, value: current };
    } else rest = rest === undefined ? current : Math.max(rest, current);
  }
  return (documentId) => (best?.documentId === documentId ? rest : best?.value);
}

/** The question's adjacent term pairs, numbered, and how often the question has each. */
interface QuestionPairs {
  /** First term → second term → the pair's number. */
  after: ReadonlyMap<string, ReadonlyMap<string, number>>;
  first: readonly string[];
  second: readonly string[];
  times: readonly number[];
}

/**
 * The question's adjacent pairs, for `proximity`: once per question, so that each candidate
 * only looks up the pairs in its passage's walk, building no strings and no maps.
 */
function questionPairs(terms: readonly QueryTerm[]): QuestionPairs {
  const after = new Map<string, Map<string, number>>();
  const first: string[] = [];
  const second: string[] = [];
  const times: number[] = [];
  for (let i = 1; i < terms.length; i++) {
    const left = terms[i - 1]!.term;
    const right = terms[i]!.term;
    let followers = after.get(left);
    if (!followers) after.set(left, (followers = new Map<string, number>()));
    let pair = followers.get(right);
    if (pair === undefined) {
      followers.set(right, (pair = times.length));
      first.push(left);
      second.push(right);
      times.push(0);
    }
    times[pair]! += 1;
  }
  return { after, first, second, times };
}

/**
 * The question weight held by the passage's best sentence (a term or any of its alternatives),
 * and the share of the question's adjacent word pairs the passage repeats side by side.
 */
function proximity(
  terms: readonly QueryTerm[],
  weights: ReadonlyMap<string, number>,
  pairs: QuestionPairs,
  analysis: PassageTerms | undefined,
): { bestSentence: number; pairShare: number } {
  if (!analysis) return { bestSentence: 0, pairShare: 0 };
  // A term the passage lacks is in none of its sentences: only the others are looked for in
  // each sentence, still in the question's order (a float sum depends on it).
  const held = terms.filter((term) => containsTerm(analysis.all, term));
  let bestSentence = 0;
  if (held.length > 0) {
    for (const sentence of analysis.sentences) {
      let weight = 0;
      for (const term of held) {
        if (containsTerm(sentence, term)) weight += weights.get(term.term) ?? 0;
      }
      bestSentence = Math.max(bestSentence, weight);
    }
  }
  if (terms.length < 2) return { bestSentence, pairShare: 0 };
  // The walk over the passage's terms only when it holds both terms of some pair.
  const possible = pairs.first.some(
    (left, pair) => analysis.all.has(left) && analysis.all.has(pairs.second[pair]!),
  );
  if (!possible) return { bestSentence, pairShare: 0 };
  let repeated = 0;
  const found = new Uint8Array(pairs.times.length);
  const sequence = analysis.sequence;
  for (let i = 1; i < sequence.length; i++) {
    const pair = pairs.after.get(sequence[i - 1]!)?.get(sequence[i]!);
    if (pair === undefined || found[pair] === 1) continue;
    found[pair] = 1;
    repeated += pairs.times[pair]!;
  }
  return { bestSentence, pairShare: repeated / (terms.length - 1) };
}

/** Whether a set of terms (or a document's term counts) holds the term or one of its alternatives. */
function containsTerm(present: { has(term: string): boolean }, term: QueryTerm): boolean {
  if (present.has(term.term)) return true;
  // A loop, not `some`: this runs for every term of every sentence of every candidate.
  for (const alternative of term.alternatives) if (present.has(alternative)) return true;
  return false;
}

function isKnown(term: QueryTerm, context: Pick<AnswerContext, 'index'>): boolean {
  return [term.term, ...term.alternatives].some((t) => context.index.passageFrequency(t) > 0);
}

/**
 * Each question word's weight: its inverse passage frequency; for a word the corpus never uses
 * but whose alternative it does ("jab" → "vaccine"), the alternative's. Alternatives get their
 * own entries too, so excerpts mark them.
 */
function termWeights(terms: readonly QueryTerm[], context: AnswerContext): Map<string, number> {
  const weights = new Map<string, number>();
  for (const term of terms) {
    const knownAlternatives = term.alternatives.filter(
      (t) => context.index.passageFrequency(t) > 0,
    );
    const weight =
      context.index.passageFrequency(term.term) > 0 || knownAlternatives.length === 0
        ? context.index.idf(term.term)
        : Math.min(...knownAlternatives.map((t) => context.index.idf(t)));
    weights.set(term.term, weight);
  }
  for (const term of terms) {
    for (const alternative of term.alternatives) {
      if (!weights.has(alternative)) weights.set(alternative, weights.get(term.term)!);
    }
  }
  return weights;
}

/** The question term each alternative stands for, so an excerpt counts a question word once. */
function alternativeOwners(terms: readonly QueryTerm[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const term of terms) {
    for (const alternative of term.alternatives)
      if (!owners.has(alternative)) owners.set(alternative, term.term);
  }
  return owners;
}

/** The passages before and after one of a document (ids are `${documentId}#${ordinal}`). */
function neighboursOf(passage: Passage, context: AnswerContext): Neighbours {
  const at = (ordinal: number) => context.passage(`${passage.documentId}#${ordinal}`);
  return { before: at(passage.ordinal - 1), after: at(passage.ordinal + 1) };
}

function sumWeights(terms: readonly QueryTerm[], weights: ReadonlyMap<string, number>): number {
  return terms.reduce((sum, term) => sum + (weights.get(term.term) ?? 0), 0);
}

/** Names, and numbers of two digits or more ("2022", "G20"): specific, so never paraphrased. */
function isName(term: QueryTerm, context: AnswerContext): boolean {
  if (term.capitalized || /\d\d/u.test(term.term)) return true;
  return context.index.isName(term.term);
}

/**
 * Turns retrieval candidates into an answer: the passages that cover enough of the question
 * (and mention every name it asks about) become citations, at most one per document unless a
 * second is nearly as good; otherwise a no-answer that says which words found nothing.
 *
 * @example
 * composeAnswer(question, analyzeQuestion(question), candidates, context, {
 *   limit: 6, now: new Date(), staleAfterDays: 365,
 * });
 * // { status: 'answered', citations: [{ title: 'Russian Region Becomes First…', … }] }
 */
/** How an answer is put together, beyond the question itself. */
export interface CompositionOptions {
  limit: number;
  now: Date;
  staleAfterDays: number;
  /** Which passages answer (default: the shipped `refusal-model.json`). */
  refusalModel?: RefusalModel;
}

export function composeAnswer(
  question: string,
  terms: readonly QueryTerm[],
  candidates: readonly Candidate[],
  context: AnswerContext,
  options: CompositionOptions,
): Answer {
  const { limit } = options;
  if (terms.length === 0) {
    return noAnswer(
      question,
      [],
      context,
      'Your question has no words I can search for: try naming what you want to know about.',
    );
  }
  const weights = termWeights(terms, context);
  const model = options.refusalModel ?? REFUSAL_MODEL;
  const focus = { ...focusOf(question), termOf: alternativeOwners(terms) };
  const judged = judgeCandidates(terms, candidates, context, model, focus).sort(
    (a, b) => b.score - a.score,
  );
  const answers = judged.filter((entry) => isAnswer(entry, model));
  const holding = ANSWER_RULES.kindsPreferred.includes(focus.kind)
    ? answers.filter((entry) => entry.features.kindAbsent === 0)
    : answers;
  const accepted = preferNewer(holding.length > 0 ? holding : answers, question, options.now);
  if (accepted.length === 0) return explainNoAnswer(question, terms, judged, context);

  const best = accepted[0]!.score;
  const asking = askingWords(question);
  const citations: Citation[] = [];
  const perDocument = new Map<string, number>();
  for (const entry of accepted) {
    if (citations.length >= limit) break;
    const relative = entry.score / best;
    const already = perDocument.get(entry.document.id) ?? 0;
    if (relative < ANSWER_RULES.minRelativeScore) break;
    if (already > 0 && relative < ANSWER_RULES.sameDocumentRelativeScore) continue;
    perDocument.set(entry.document.id, already + 1);
    citations.push(cite(entry, asking, terms, weights, focus, context, options));
  }
  const unknownWords = wordsNoSourceUses(question, terms, context);
  return {
    status: 'answered',
    question,
    citations,
    ...(unknownWords.length > 0 ? { unknownWords } : {}),
  };
}

/**
 * The decision: the refusal model finds it likely enough that the passage answers, and the
 * passage's document mentions every name asked about. A question with no such passage is
 * refused.
 */
export function isAnswer(
  entry: Pick<Judged, 'missingNames' | 'probability'>,
  model: RefusalModel = REFUSAL_MODEL,
): boolean {
  if (model.namesRequired && entry.missingNames.length > 0) return false;
  return entry.probability >= model.threshold;
}

/**
 * For a question about the latest state of things, newer documents go first among passages
 * that score within `recencyTie` of the best; otherwise the order stays as scored.
 */
function preferNewer(entries: Judged[], question: string, now: Date): Judged[] {
  if (!asksForLatest(question) || entries.length < 2) return entries;
  const best = entries[0]!.score;
  const tied = entries.filter((entry) => entry.score >= best * (1 - ANSWER_RULES.recencyTie));
  const rest = entries.filter((entry) => !tied.includes(entry));
  const age = (entry: Judged) =>
    ageInDays(entry.document.publishedAt, now) ?? Number.POSITIVE_INFINITY;
  return [...tied.sort((a, b) => age(a) - age(b) || b.score - a.score), ...rest];
}

/**
 * The citations an answer gave before, made again from the passage ids it kept: what a message's
 * "More sources" shows without searching again, so a member pages through the passages they
 * were shown. `passageIds` the context no longer holds (their document was removed) are left
 * out; the order is kept. Scores belong to one search and are not kept with an answer: each is 0.
 *
 * @example
 * citePassages(question, analyzeQuestion(question), ['bashkortostan-covid-passports#2'], context, {
 *   now: new Date(), staleAfterDays: 365,
 * });
 * // [{ passageId: 'bashkortostan-covid-passports#2', excerpt: '…', score: 0, … }]
 */
export function citePassages(
  question: string,
  terms: readonly QueryTerm[],
  passageIds: readonly string[],
  context: AnswerContext,
  options: Pick<CompositionOptions, 'now' | 'staleAfterDays'>,
): Citation[] {
  const weights = termWeights(terms, context);
  const focus = { ...focusOf(question), termOf: alternativeOwners(terms) };
  const asking = askingWords(question);
  return passageIds.flatMap((passageId) => {
    const passage = context.passage(passageId);
    const document = passage && context.document(passage.documentId);
    if (!passage || !document) return [];
    const present = context.passageTerms(passageId);
    const matched = terms.filter((term) => containsTerm(present, term));
    return [
      cite(
        { passage, document, matched, score: 0 },
        asking,
        terms,
        weights,
        focus,
        context,
        options,
      ),
    ];
  });
}

function cite(
  entry: Pick<Judged, 'passage' | 'document' | 'matched' | 'score'>,
  asking: ReadonlySet<string>,
  terms: readonly QueryTerm[],
  weights: ReadonlyMap<string, number>,
  focus: ExcerptFocus,
  context: AnswerContext,
  options: Pick<CompositionOptions, 'now' | 'staleAfterDays'>,
): Citation {
  const { passage, document } = entry;
  const excerpt = bestExcerpt(
    passage.text,
    passage.start,
    weights,
    focus,
    undefined,
    context.passageAnalysis(passage.id)?.sentences,
    neighboursOf(passage, context),
  );
  // Which question words the reader sees in the excerpt, which the rest of the document has,
  // and which it never uses: a citation that cannot speak to "ambassador" says so.
  const inDocument = context.documentTerms(document.id);
  const shown = terms.filter((term) => containsTerm(excerpt.terms, term));
  const elsewhere = terms.filter((term) => !shown.includes(term) && containsTerm(inDocument, term));
  const absent = terms.filter(
    (term) =>
      !shown.includes(term) && !elsewhere.includes(term) && !asking.has(term.word.toLowerCase()),
  );
  const ageDays = ageInDays(document.publishedAt, options.now);
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
    matchedTerms: [...new Set(entry.matched.map((term) => term.phrase))],
    matchedInExcerpt: phrases(shown),
    matchedElsewhere: phrases(elsewhere),
    notInDocument: phrases(absent),
    score: round(entry.score),
    ageDays,
    stale: ageDays !== undefined && ageDays > options.staleAfterDays,
  };
}

function explainNoAnswer(
  question: string,
  terms: readonly QueryTerm[],
  judged: readonly Judged[],
  context: AnswerContext,
): Answer {
  const unknown = terms.filter((term) => !isKnown(term, context));
  const closest = judged[0];
  if (!closest) {
    const words = quoteList(
      terms.map((term) => term.word),
      'or',
    );
    return noAnswer(
      question,
      terms.map((term) => term.word),
      context,
      `No document mentions ${words}.`,
    );
  }
  const missingNames = closest.missingNames;
  if (missingNames.length > 0) {
    const found = quoteList(closest.matched.map((term) => term.word));
    const names = quoteList(
      missingNames.map((term) => term.word),
      'or',
    );
    const reason = found
      ? `Passages mention ${found}, but none of them is about ${names}.`
      : `No passage mentions ${quoteList(
          missingNames.map((term) => term.word),
          'or',
        )}.`;
    return noAnswer(
      question,
      missingNames.map((term) => term.word),
      context,
      reason,
    );
  }
  const missing = terms.filter((term) => !closest.matched.includes(term));
  const absent = unknown.length > 0 ? unknown : missing;
  const reason =
    unknown.length > 0
      ? `The documents never mention ${quoteList(
          unknown.map((term) => term.word),
          'or',
        )}, and no passage covers enough of the question.`
      : missing.length > 0
        ? `No passage covers enough of the question; the closest one does not mention ${quoteList(
            missing.map((term) => term.word),
            'or',
          )}.`
        : 'The closest passage has the words of the question, but too loosely to be an answer.';
  return noAnswer(
    question,
    absent.map((term) => term.word),
    context,
    reason,
  );
}

function noAnswer(
  question: string,
  missingTerms: string[],
  context: AnswerContext,
  reason: string,
): Answer {
  return { status: 'no-answer', question, reason, missingTerms, suggestions: context.suggest() };
}

/** “a”, “b” and “c” (or “a”, “b” or “c” after a negation). */
function quoteList(words: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  const quoted = words.map((word) => `“${word}”`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted.at(-1)}`;
}

const phrases = (terms: readonly QueryTerm[]) => [...new Set(terms.map((term) => term.phrase))];

/** "How many", "how long": the word after "how" asks for a kind of answer, not about a topic. */
function askingWords(question: string): ReadonlySet<string> {
  return new Set(
    [...question.matchAll(/\bhow\s+(\p{L}+)/giu)].map((match) => match[1]!.toLowerCase()),
  );
}

/**
 * The question's words that no document of the corpus uses, nor any alternative of theirs: what
 * no answer can speak to, said above the citations so that passages sharing only the question's
 * other words are not read as answering it.
 *
 * @example
 * wordsNoSourceUses('What is the efficacy of Sputnik V?', analyzeQuestion(…), context); // ['efficacy']
 */
export function wordsNoSourceUses(
  question: string,
  terms: readonly QueryTerm[],
  context: Pick<AnswerContext, 'index'>,
): string[] {
  const asking = askingWords(question);
  // "20" is used where a passage says "the 20th anniversary", as the names rule counts it.
  const usedAsOrdinal = (term: QueryTerm) =>
    ordinalsOf(term.term).some((ordinal) => context.index.passageFrequency(ordinal) > 0);
  return phrases(
    terms.filter(
      (term) =>
        !isKnown(term, context) && !usedAsOrdinal(term) && !asking.has(term.word.toLowerCase()),
    ),
  );
}

const round = (value: number) => Math.round(value * 1000) / 1000;
