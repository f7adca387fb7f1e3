/**
 * Fits the refusal model (`src/core/refusal-model.json`) on SQuAD v1.1 dev-a by leaving articles
 * out, and chooses its threshold there: the highest that refuses at most 5 % of dev-a's
 * answerable questions. dev-b stays untouched for `npm run bench -- --only refusal`.
 *
 *   node bin/run-ts.js bench/fit-refusal.ts [--squad <file>] [--fresh] [--names-optional]
 *     [--near-topic <weight>] [--tuning <weight>] [--features <name,name,…>]
 *
 * `--near-topic w` adds dev-a's questions asked with only their own paragraph removed (the rest
 * of the article indexed) as further refusals, each weighing w in the fit: near-topic questions
 * like those people ask about a corpus, which leaving whole articles out never produces.
 *
 * `--tuning w` adds the shipped corpus's tuning questions (`bench/questions.json`, and only
 * those: the held-out, unseen and vocabulary sets stay unseen), asked of the shipped corpus,
 * each weighing w, and lowers the threshold, if need be, until it refuses none of their
 * answerable questions that the names rule leaves to the model. SQuAD alone calibrates the
 * model for a corpus of thousands of paragraphs; a server's corpus is small and its members'
 * questions loosely worded, so with SQuAD alone the model refused answerable questions there
 * (measured: 9 of the 51 tuning ones, against 3 for the hand-set rules).
 *
 * `--features` fits only the features named (default: the shipped model's, `DEFAULT_FEATURES`);
 * the cached questions hold every one of `REFUSAL_FEATURES`, so a different choice needs no new
 * asking.
 *
 * By default a candidate whose document misses a name the question asks about is never an
 * answer (`namesRequired`), and the model is fit on the best-scored candidate that misses none;
 * `--names-optional` makes the number of missing names one more feature instead.
 *
 * A plain logistic regression (Newton's method / IRLS, a small L2 penalty) over standardised
 * features of the best-scored candidate of each question asked: answerable (its article
 * indexed) or not (its article removed).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REFUSAL_FEATURES, type RefusalFeatures, type RefusalModel } from '../src/core/refusal.ts';
import { fitLogistic } from './logistic.ts';
import {
  ANSWERABLE_REFUSED_TARGET,
  type AskedQuestion,
  askLeavingArticlesOut,
  CACHED_CANDIDATES,
  askLeavingParagraphsOut,
  bestProbability,
  eligible,
  refusalAt,
  refusedAtTarget,
} from './refusal.ts';
import { loadQuestionSet } from './quality.ts';
import { DEFAULT_SQUAD_FILE, resolveSquadFile } from './squad-data.ts';
import { openCorpusIndex } from '../src/corpus/open-index.ts';

const COMMAND = 'node bin/run-ts.js bench/fit-refusal.ts';
const MODEL_FILE = fileURLToPath(new URL('../src/core/refusal-model.json', import.meta.url));
/** L2 penalty on the standardised weights: keeps them finite if a feature separates perfectly. */
const L2 = 1;
/**
 * The features fit without `--features`: those of the shipped model. The later, size-free ones
 * (`rarestMatched` …) are measured and cached too, for `--features` to try.
 */
const DEFAULT_FEATURES: readonly RefusalFeatureName[] = REFUSAL_FEATURES.slice(
  0,
  REFUSAL_FEATURES.indexOf('documentMargin') + 1,
);
type RefusalFeatureName = keyof RefusalFeatures;

const { values } = parseArgs({
  options: {
    squad: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    'names-optional': { type: 'boolean', default: false },
    'near-topic': { type: 'string', default: '0' },
    tuning: { type: 'string', default: '0' },
    features: { type: 'string' },
  },
});
const namesRequired = !values['names-optional'];
const nearTopicWeight = Number(values['near-topic']);
const tuningWeight = Number(values.tuning);
const TUNING_FILE = fileURLToPath(new URL('questions.json', import.meta.url));
const chosenFeatures = values.features?.split(',').map((name) => name.trim());
for (const name of chosenFeatures ?? []) {
  if (!(REFUSAL_FEATURES as readonly string[]).includes(name)) {
    throw new Error(`--features: no feature "${name}" (known: ${REFUSAL_FEATURES.join(', ')})`);
  }
}
const features = (chosenFeatures ?? DEFAULT_FEATURES).filter(
  (name): name is RefusalFeatureName => !namesRequired || name !== 'missingNames',
);
const columns = features.map((name) => REFUSAL_FEATURES.indexOf(name));
const file = resolveSquadFile(values.squad) ?? DEFAULT_SQUAD_FILE;
const progress = (message: string) => process.stderr.write(`fit: ${message}\n`);

const asked = await askLeavingArticlesOut(file, 'dev-a', { fresh: values.fresh, progress });
const nearTopic =
  nearTopicWeight > 0
    ? await askLeavingParagraphsOut(file, 'dev-a', { fresh: values.fresh, progress })
    : [];
const tuning = tuningWeight > 0 ? await askTuningSet() : [];
// A question with no candidate is refused whatever the weights: it says nothing about them.
const rows = [
  ...asked.map((entry) => ({ entry, weight: 1 })),
  ...nearTopic.map((entry) => ({ entry, weight: nearTopicWeight })),
  ...tuning.map((entry) => ({ entry, weight: tuningWeight })),
].flatMap(({ entry, weight }) => {
  const first = eligible(entry, { namesRequired })[0];
  return first ? [{ answerable: entry.answerable, vector: first, weight }] : [];
});
const fit = fitLogistic(
  rows.map((row) => ({
    x: columns.map((column) => row.vector[column]!),
    y: row.answerable ? 1 : 0,
    weight: row.weight,
  })),
  L2,
);

const model: RefusalModel = {
  features,
  mean: fit.mean.map(round),
  scale: fit.scale.map(round),
  weights: fit.weights.map(round),
  bias: round(fit.bias),
  threshold: 0,
  namesRequired,
  trainedWith: {},
};
const scored = asked.map((entry) => ({
  answerable: entry.answerable,
  score: bestProbability(entry, model),
}));
const onDevA = refusedAtTarget(scored, ANSWERABLE_REFUSED_TARGET);
// The tuning questions the names rule leaves to the model: none of their answerable ones refused.
const tuningLowest = Math.min(
  ...tuning
    .filter((entry) => entry.answerable && eligible(entry, model).length > 0)
    .map((entry) => bestProbability(entry, model)),
);
const chosen =
  tuningLowest < onDevA.threshold
    ? refusalAt(scored, Math.floor(tuningLowest * 1e6) / 1e6)
    : onDevA;
model.threshold = round(chosen.threshold);
model.trainedWith = {
  command: [
    COMMAND,
    ...(namesRequired ? [] : ['--names-optional']),
    ...(nearTopicWeight > 0 ? [`--near-topic ${nearTopicWeight}`] : []),
    ...(tuningWeight > 0 ? [`--tuning ${tuningWeight}`] : []),
    ...(chosenFeatures ? [`--features ${chosenFeatures.join(',')}`] : []),
  ].join(' '),
  data:
    'SQuAD v1.1 dev-a (the 24 even-numbered articles), every question asked (with WordNet) with its article indexed (answerable) and with it removed (unanswerable)' +
    (nearTopicWeight > 0
      ? `, and with only its paragraph removed (unanswerable, weight ${nearTopicWeight})`
      : '') +
    (tuningWeight > 0
      ? `; and the shipped corpus's tuning questions (bench/questions.json, ${tuning.length}), weight ${tuningWeight}`
      : ''),
  rows: rows.length,
  l2: L2,
  threshold:
    `highest refusing at most ${ANSWERABLE_REFUSED_TARGET} % of dev-a's answerable questions` +
    (tuningWeight > 0
      ? " and none of the tuning set's answerable questions that pass the names rule"
      : ''),
  devA: {
    unanswerableRefused: chosen.unanswerableRefused,
    answerableRefused: chosen.answerableRefused,
  },
};
await writeFile(MODEL_FILE, `${JSON.stringify(model, null, 2)}\n`);
progress(
  `dev-a: ${chosen.unanswerableRefused} % unanswerable refused, ${chosen.answerableRefused} % answerable refused at ${model.threshold}`,
);
console.log(JSON.stringify(model, null, 2));

/** The tuning questions asked of the shipped corpus, recorded as the SQuAD ones are. */
async function askTuningSet(): Promise<AskedQuestion[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'footnote-fit-'));
  try {
    const corpus = await openCorpusIndex({ dataDir });
    const set = await loadQuestionSet(TUNING_FILE);
    const ask = (question: string, answerable: boolean): AskedQuestion => ({
      question,
      article: 'shipped corpus',
      answerable,
      candidates: corpus
        .explain(question, { limit: 30 })
        .sort((a, b) => b.score - a.score)
        .slice(0, CACHED_CANDIDATES)
        .map((entry) => REFUSAL_FEATURES.map((name) => entry.features[name])),
      handSetAnswered: false,
    });
    return [
      ...set.answerable.map((item) => ask(item.question, true)),
      ...set.unanswerable.map((item) => ask(item.question, false)),
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
