import trainedModel from './refusal-model.json' with { type: 'json' };

/**
 * What the answer decision reads about one candidate passage, each a number the retrieval and
 * the answer rules already compute. Shares are of the question's idf weight unless named
 * otherwise; see `judgeCandidates` for how each is measured.
 */
export interface RefusalFeatures {
  /** Share of the question's weight the passage (with its title) contains. */
  coverage: number;
  /** The same share, counting only words the corpus uses somewhere. */
  knownCoverage: number;
  /** Share of the question's content words the passage contains, each counted once. */
  termShare: number;
  /** Share of the question's weight the corpus never uses at all. */
  unknownShare: number;
  /** Weight of the heaviest question word the passage lacks, as a share of the question's. */
  heaviestMissing: number;
  /** The passage's score over the question's total weight: comparable across corpora. */
  normalizedScore: number;
  /** How far the passage leads the best other candidate, as a share of its own score (≤ 1). */
  margin: number;
  /** Names and numbers the question asks about that the passage's document never mentions. */
  missingNames: number;
  /** log(1 + number of content words): short questions match by chance more easily. */
  logTerms: number;
  /** Share of the question's weight held by the passage's best single sentence. */
  bestSentence: number;
  /** Share of the question's adjacent word pairs the passage repeats side by side. */
  pairShare: number;
  /** Share of the question's weight the passage's whole document contains. */
  documentCoverage: number;
  /**
   * Share of the candidates' summed score held by passages of this passage's document: a
   * question the corpus covers finds one document again and again, a stray one scatters.
   */
  documentShare: number;
  /** How far the passage leads the best passage of any other document, as a share of its score. */
  documentMargin: number;
  /*
   * The features below do not grow with the corpus: a word's specificity is its idf over the
   * idf of a word no passage uses (log of about twice the passage count), so 1 is "never used"
   * whether the corpus holds 80 passages or 80,000; the rest are counts, or compare candidates.
   */
  /** Specificity of the rarest question word the passage contains (0 when it contains none). */
  rarestMatched: number;
  /** Specificity of the rarest question word the passage lacks (1: a word the corpus never uses). */
  rarestMissing: number;
  /** Summed specificity of the question words the passage contains. */
  matchedSpecificity: number;
  /** Summed specificity of the question words the passage lacks. */
  missingSpecificity: number;
  /** How many question words the corpus never uses (nor any alternative of theirs). */
  unknownTerms: number;
  /** How many question words the passage lacks. */
  missingTerms: number;
  /** Share of the question's words the corpus uses that the passage contains. */
  knownTermShare: number;
  /** The passage's score over the top candidate's (1 for the top one). */
  scoreToTop: number;
  /** The passage's score over the weight of the question words the corpus uses. */
  knownNormalizedScore: number;
  /** Its coverage minus the best coverage among other documents' passages. */
  coverageLead: number;
  /** Share of the five best-scored candidates that come from this passage's document. */
  documentAgreement: number;
  /** 1 when the question asks for a kind of answer (a number, a date…) the passage never holds. */
  kindAbsent: number;
  /** How many of the words the corpus never uses are names or numbers ("Aiken", "1968"). */
  unknownNames: number;
  /**
   * How many of the words the corpus never uses are words the vocabulary or WordNet knows
   * ("cheaper", "rude"): an asker's own wording, less a sign of a topic the corpus lacks.
   */
  unknownWords: number;
}

export const REFUSAL_FEATURES = [
  'coverage',
  'knownCoverage',
  'termShare',
  'unknownShare',
  'heaviestMissing',
  'normalizedScore',
  'margin',
  'missingNames',
  'logTerms',
  'bestSentence',
  'pairShare',
  'documentCoverage',
  'documentShare',
  'documentMargin',
  'rarestMatched',
  'rarestMissing',
  'matchedSpecificity',
  'missingSpecificity',
  'unknownTerms',
  'missingTerms',
  'knownTermShare',
  'scoreToTop',
  'knownNormalizedScore',
  'coverageLead',
  'documentAgreement',
  'kindAbsent',
  'unknownNames',
  'unknownWords',
] as const satisfies ReadonlyArray<keyof RefusalFeatures>;

/**
 * A logistic model of "this passage answers the question": standardised features, weights, a
 * bias, and the probability below which Footnote refuses. Fit by `bench/fit-refusal.ts` on
 * SQuAD dev-a by leaving articles out; `trainedWith` records the command and the data.
 */
export interface RefusalModel {
  features: readonly (keyof RefusalFeatures)[];
  /** Per feature, subtracted before weighting. */
  mean: readonly number[];
  /** Per feature, divided by before weighting. */
  scale: readonly number[];
  weights: readonly number[];
  bias: number;
  /** Answer when the probability is at least this; chosen on dev-a (see `trainedWith`). */
  threshold: number;
  /**
   * Whether a passage whose document never mentions a name (or number) the question asks
   * about is refused whatever its probability ("What did Germany decide…?" in a corpus that
   * never mentions Germany).
   */
  namesRequired: boolean;
  trainedWith: Record<string, unknown>;
}

/** The model shipped in `refusal-model.json`. */
export const REFUSAL_MODEL: RefusalModel = trainedModel as RefusalModel;

/**
 * The probability that a passage with these features answers the question.
 *
 * @example
 * answerProbability({ coverage: 0.9, knownCoverage: 0.9, termShare: 1, unknownShare: 0,
 *   heaviestMissing: 0.1, normalizedScore: 2, margin: 0.5, missingNames: 0, logTerms: 1.6,
 *   bestSentence: 0.8, pairShare: 0.5, documentCoverage: 1, documentShare: 0.6,
 *   documentMargin: 0.4, rarestMatched: 0.9, rarestMissing: 0.2, matchedSpecificity: 2.5,
 *   missingSpecificity: 0.2, unknownTerms: 0, missingTerms: 0, knownTermShare: 1, scoreToTop: 1,
 *   knownNormalizedScore: 2, coverageLead: 0.5, documentAgreement: 0.8, kindAbsent: 0,
 *   unknownNames: 0, unknownWords: 0 });
 * // ≈ 0.98
 */
export function answerProbability(
  features: RefusalFeatures,
  model: RefusalModel = REFUSAL_MODEL,
): number {
  let z = model.bias;
  model.features.forEach((name, i) => {
    z += (model.weights[i]! * (features[name] - model.mean[i]!)) / model.scale[i]!;
  });
  return 1 / (1 + Math.exp(-z));
}
