import { describe, expect, it } from 'vitest';
import { isAnswer, type Judged } from '../../src/core/answer.ts';
import { CorpusIndex } from '../../src/core/corpus-index.ts';
import { buildVocabulary } from '../../src/core/vocabulary.ts';
import {
  answerProbability,
  REFUSAL_FEATURES,
  REFUSAL_MODEL,
  type RefusalFeatures,
  type RefusalModel,
} from '../../src/core/refusal.ts';
import { GLOBAL_SCOPE } from '../../src/core/scope.ts';

const strong: RefusalFeatures = {
  coverage: 0.9,
  knownCoverage: 0.9,
  termShare: 1,
  unknownShare: 0,
  heaviestMissing: 0.1,
  normalizedScore: 3,
  margin: 0.5,
  missingNames: 0,
  logTerms: 1.6,
  bestSentence: 0.9,
  pairShare: 0.5,
  documentCoverage: 1,
  documentShare: 0.8,
  documentMargin: 0.5,
  rarestMatched: 0.9,
  rarestMissing: 0.2,
  matchedSpecificity: 2.5,
  missingSpecificity: 0.2,
  unknownTerms: 0,
  missingTerms: 0,
  knownTermShare: 1,
  scoreToTop: 1,
  knownNormalizedScore: 3,
  coverageLead: 0.5,
  documentAgreement: 0.8,
  kindAbsent: 0,
  unknownNames: 0,
  unknownWords: 0,
};
const weak: RefusalFeatures = {
  ...strong,
  coverage: 0.15,
  knownCoverage: 0.2,
  termShare: 0.25,
  heaviestMissing: 0.5,
  normalizedScore: 0.4,
  bestSentence: 0.15,
  pairShare: 0,
  documentCoverage: 0.2,
  documentShare: 0.1,
  rarestMatched: 0.3,
  rarestMissing: 1,
  matchedSpecificity: 0.3,
  missingSpecificity: 2,
  unknownTerms: 1,
  missingTerms: 3,
  knownTermShare: 0.3,
  knownNormalizedScore: 0.5,
  coverageLead: 0,
  documentAgreement: 0.2,
  kindAbsent: 1,
  unknownNames: 1,
};

describe('the shipped refusal model', () => {
  it('was fit by a recorded command on known features, with a threshold between 0 and 1', () => {
    expect(REFUSAL_MODEL.trainedWith['command']).toMatch(/bench\/fit-refusal\.ts/);
    for (const name of REFUSAL_MODEL.features) expect(REFUSAL_FEATURES).toContain(name);
    expect(REFUSAL_MODEL.weights).toHaveLength(REFUSAL_MODEL.features.length);
    expect(REFUSAL_MODEL.threshold).toBeGreaterThan(0);
    expect(REFUSAL_MODEL.threshold).toBeLessThan(1);
  });

  it('answers a passage that covers the question well and refuses one that barely touches it', () => {
    expect(answerProbability(strong)).toBeGreaterThan(REFUSAL_MODEL.threshold);
    expect(answerProbability(weak)).toBeLessThan(REFUSAL_MODEL.threshold);
  });
});

describe('answerProbability', () => {
  const model: RefusalModel = {
    features: ['coverage'],
    mean: [0.5],
    scale: [0.25],
    weights: [2],
    bias: 0,
    threshold: 0.5,
    namesRequired: true,
    trainedWith: { command: 'by hand, for this test' },
  };

  it('is one half at the mean and follows the weight’s sign around it', () => {
    expect(answerProbability({ ...strong, coverage: 0.5 }, model)).toBeCloseTo(0.5);
    expect(answerProbability({ ...strong, coverage: 0.75 }, model)).toBeCloseTo(
      1 / (1 + Math.exp(-2)),
    );
  });

  it('never lets a passage answer when its document misses a name the question asks about', () => {
    const judged = { probability: 0.99, missingNames: [{ word: 'Germany' }] } as unknown as Judged;
    expect(isAnswer(judged, model)).toBe(false);
    expect(isAnswer(judged, { ...model, namesRequired: false })).toBe(true);
  });
});

describe('a refusal', () => {
  const corpus = new CorpusIndex([
    {
      id: 'tatarstan-transport',
      title: 'Tatarstan requires QR codes on buses',
      text: 'From November 22, passengers on buses and trains in Tatarstan must show a QR code proving vaccination or past illness.',
      language: 'en',
      scope: GLOBAL_SCOPE,
      origin: 'shipped',
    },
  ]);

  it('names the words no document has and suggests the nearest document', () => {
    const answer = corpus.ask('What fine do cyclists pay for ignoring QR codes?');
    expect(answer.status).toBe('no-answer');
    if (answer.status !== 'no-answer') return;
    expect(answer.missingTerms).toEqual(expect.arrayContaining(['cyclists']));
    expect(answer.suggestions[0]?.documentId).toBe('tatarstan-transport');
  });
});

describe('features that do not grow with the corpus', () => {
  const tatarstan = {
    id: 'tatarstan-transport',
    title: 'Tatarstan requires QR codes on buses',
    text: 'From November 22, passengers on buses and trains in Tatarstan must show a QR code proving vaccination or past illness.',
    language: 'en',
    scope: GLOBAL_SCOPE,
    origin: 'shipped' as const,
  };
  const filler = (n: number) => ({
    ...tatarstan,
    id: `filler-${n}`,
    title: `Weather report ${n}`,
    text: `Rain is expected on day ${n} of the month, with wind from the west and a cold evening.`,
  });
  const question = 'Did Zelensky show a QR code on the buses of Tatarstan?';
  const topFeatures = (corpus: CorpusIndex) => {
    const best = corpus.explain(question).sort((a, b) => b.score - a.score)[0];
    if (!best) throw new Error('expected a candidate');
    return best.features;
  };
  const small = topFeatures(new CorpusIndex([tatarstan, filler(1)]));
  const large = topFeatures(
    new CorpusIndex([tatarstan, ...Array.from({ length: 60 }, (_, n) => filler(n))]),
  );

  it('gives a word no passage uses a specificity of 1, whatever the number of passages', () => {
    expect(small.rarestMissing).toBe(1);
    expect(large.rarestMissing).toBe(1);
    // The retrieval score's scale grows with the corpus; its ratio to the top one does not.
    expect(large.scoreToTop).toBe(small.scoreToTop);
  });

  it('counts a name the corpus never uses apart from the asker’s own words', () => {
    expect(small.unknownTerms).toBe(1);
    expect(small.unknownNames).toBe(1);
    expect(small.unknownWords).toBe(0);
    expect(small.missingTerms).toBe(1);
    const withVocabulary = new CorpusIndex(
      [tatarstan],
      undefined,
      buildVocabulary([['cheaper', 'inexpensive']]),
    );
    const loose = withVocabulary.explain('Are cheaper QR codes shown on buses in Tatarstan?')[0];
    expect(loose?.features.unknownWords).toBe(1);
    expect(loose?.features.unknownNames).toBe(0);
  });
});
