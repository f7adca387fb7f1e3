import { tokenize } from './analysis.ts';

/**
 * Words that mean the same thing to the people asking: index term → its alternatives. Built
 * from groups of words or phrases (`vocabulary.json`), each run through the same analysis as
 * the corpus, so "passes" finds "passport" and "Госуслуги" finds "Gosuslugi".
 */
export type Vocabulary = ReadonlyMap<string, readonly string[]>;

export const EMPTY_VOCABULARY: Vocabulary = new Map();

/**
 * Builds the lookup from groups of equivalent words or phrases. Phrases of the same length
 * pair up word by word, so `["QR-код", "QR code"]` maps "код" to "code" and nothing else.
 *
 * @example
 * const vocabulary = buildVocabulary([['passport', 'pass', 'certificate'], ['Госуслуги', 'Gosuslugi']]);
 * vocabulary.get('pass'); // ["passport", "certif"]
 */
export function buildVocabulary(groups: ReadonlyArray<ReadonlyArray<string>>): Vocabulary {
  const alternatives = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (a === b) return;
    const set = alternatives.get(a) ?? new Set<string>();
    set.add(b);
    alternatives.set(a, set);
  };
  for (const group of groups) {
    const entries = group.map((entry) =>
      tokenize(entry).flatMap((token) => (token.term ? [token.term] : [])),
    );
    for (const [i, left] of entries.entries()) {
      for (const right of entries.slice(i + 1)) {
        if (left.length !== right.length) continue;
        left.forEach((term, position) => {
          const other = right[position]!;
          link(term, other);
          link(other, term);
        });
      }
    }
  }
  return new Map([...alternatives].map(([term, set]) => [term, [...set]]));
}

/**
 * Two lookups as one: the first's alternatives come first, the second only adds what the first
 * lacks. The operator's vocabulary goes first, WordNet second.
 *
 * @example
 * mergeVocabularies(new Map([['jab', ['vaccin']]]), new Map([['jab', ['poke', 'vaccin']]])).get('jab');
 * // ["vaccin", "poke"]
 */
export function mergeVocabularies(first: Vocabulary, second: Vocabulary): Vocabulary {
  if (second.size === 0) return first;
  const merged = new Map(second);
  for (const [term, alternatives] of first) {
    const extra = (second.get(term) ?? []).filter((other) => !alternatives.includes(other));
    merged.set(term, [...alternatives, ...extra]);
  }
  return merged;
}
