import { processTerm } from './analysis.ts';

/**
 * Index term → related index terms from WordNet: synonyms among a word's most common senses,
 * derivations ("revoke" ↔ "revocation") and pertainyms ("French" ↔ "France", "Belarusian" ↔
 * "Belarus"). Searched for question words the corpus (nearly) lacks, below the asker's word.
 */
export type WordNetLookup = ReadonlyMap<string, readonly string[]>;

/** The four parts of speech WordNet stores, by file suffix. */
export const WORDNET_PARTS = ['noun', 'verb', 'adj', 'adv'] as const;
export type WordNetPart = (typeof WORDNET_PARTS)[number];

/** WordNet's `index.<part>` and `data.<part>` files, read as latin1 so offsets are bytes. */
export type WordNetFiles = Record<WordNetPart, { index: string; data: string }>;

/**
 * Senses of a word whose synonyms are used: WordNet lists senses most common first, and the
 * rare ones ("doctor" as a verb meaning "falsify") would drag in unrelated words.
 */
export const WORDNET_SENSES = 2;

const POINTERS_USED = new Set(['+', '\\']); // derivation, pertainym

interface Synset {
  words: string[];
  /** Lexical pointers: from word `source` (1-based; 0 = every word) to a word of another synset. */
  pointers: Array<{ symbol: string; offset: string; part: string; source: number; target: number }>;
}

const PART_OF_SYMBOL: Record<string, WordNetPart> = {
  n: 'noun',
  v: 'verb',
  a: 'adj',
  s: 'adj',
  r: 'adv',
};

function parseSynset(line: string): Synset {
  const fields = line.slice(0, line.indexOf(' | ')).split(' ');
  const wordCount = Number.parseInt(fields[3]!, 16);
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) words.push(fields[4 + 2 * i]!);
  let at = 4 + 2 * wordCount;
  const pointerCount = Number.parseInt(fields[at]!, 10);
  at += 1;
  const pointers: Synset['pointers'] = [];
  for (let i = 0; i < pointerCount; i++, at += 4) {
    const sourceTarget = fields[at + 3]!;
    pointers.push({
      symbol: fields[at]!,
      offset: fields[at + 1]!,
      part: fields[at + 2]!,
      source: Number.parseInt(sourceTarget.slice(0, 2), 16),
      target: Number.parseInt(sourceTarget.slice(2), 16),
    });
  }
  return { words, pointers };
}

/** A lemma as a single index term, or null for phrases, stop words and adjective markers. */
function termOf(lemma: string): string | null {
  const word = lemma.replace(/\(\w+\)$/u, ''); // "galore(ip)"
  if (!/^[\p{L}]+$/u.test(word)) return null;
  return processTerm(word);
}

/**
 * Builds the lookup from WordNet's files. Pure: the caller reads the files.
 *
 * @example
 * const lookup = buildWordNetLookup(files);
 * lookup.get('physician'); // ["doctor", "doc", "medico", …]
 */
export function buildWordNetLookup(
  files: WordNetFiles,
  { synonyms = true }: { synonyms?: boolean } = {},
): WordNetLookup {
  const synset = (part: WordNetPart, offset: string): Synset | undefined => {
    const data = files[part].data;
    const start = Number.parseInt(offset, 10);
    if (data.slice(start, start + offset.length) !== offset) return undefined;
    return parseSynset(data.slice(start, data.indexOf('\n', start)));
  };
  const related = new Map<string, Set<string>>();
  const link = (from: string | null, to: string | null) => {
    if (from === null || to === null || from === to) return;
    const set = related.get(from) ?? new Set<string>();
    set.add(to);
    related.set(from, set);
  };
  const lines = WORDNET_PARTS.flatMap((part) =>
    files[part].index
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith(' '))
      .map((line) => ({ part, fields: line.trimEnd().split(' ') })),
  );
  // Many lemmas stem alike ("pass", "passing", "passer"); only the shortest, the base word,
  // speaks for the stem, or "pass" would bring "transient" and "departure" along.
  const baseLength = new Map<string, number>();
  for (const { fields } of lines) {
    const term = termOf(fields[0]!);
    if (term !== null) {
      baseLength.set(term, Math.min(baseLength.get(term) ?? Infinity, fields[0]!.length));
    }
  }
  for (const { part, fields } of lines) {
    {
      const lemma = fields[0]!;
      const term = termOf(lemma);
      if (term === null || lemma.length > baseLength.get(term)!) continue;
      const senseCount = Number.parseInt(fields[2]!, 10);
      const offsets = fields.slice(fields.length - senseCount).slice(0, WORDNET_SENSES);
      for (const offset of offsets) {
        const entry = synset(part, offset);
        if (!entry) continue;
        const position = entry.words.findIndex((word) => word.toLowerCase() === lemma) + 1;
        // One way: a word's common senses, not every word that has it as a rare sense.
        if (synonyms) for (const word of entry.words) link(term, termOf(word.toLowerCase()));
        for (const pointer of entry.pointers) {
          if (!POINTERS_USED.has(pointer.symbol)) continue;
          if (pointer.source !== 0 && pointer.source !== position) continue;
          const targetPart = PART_OF_SYMBOL[pointer.part];
          const target = targetPart && synset(targetPart, pointer.offset);
          if (!target) continue;
          const words =
            pointer.target === 0 ? target.words : [target.words[pointer.target - 1] ?? ''];
          // Both ways: "French" pertains to "France", and a question about France may find "French".
          for (const word of words) {
            link(term, termOf(word.toLowerCase()));
            link(termOf(word.toLowerCase()), term);
          }
        }
      }
    }
  }
  return new Map([...related].map(([term, set]) => [term, [...set].sort()]));
}
