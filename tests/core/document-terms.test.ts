import { describe, expect, it } from 'vitest';
import { processTerm, splitWords, TermCounts } from '../../src/core/analysis.ts';
import { PassageIndex } from '../../src/core/passage-index.ts';
import { passagesAt, segmentDocument } from '../../src/core/segment.ts';

const paragraph = (subject: string, extra = '') =>
  `${subject} introduced digital passports for cafes and theatres in the spring of 2021. ` +
  `Officials in ${subject} said the Russian passports would be checked at the door, and ` +
  `Russians without one would be turned away until the end of the season. ${extra}`;

const DOCUMENTS = [
  {
    id: 'regions',
    // The text opens with its title: segmentation leaves that line out of the passages.
    title: 'Regional Passports in Russia',
    text: [
      '# Regional passports in Russia',
      paragraph('Bashkortostan', 'Russia’s regions followed.'),
      paragraph('Tatarstan'),
      paragraph('Moscow', 'Muscovites, Moscow’s mayor said, would wait.'),
    ].join('\n\n'),
  },
  { id: 'germany', title: 'Germany decides', text: paragraph('Germany', 'Germans agreed.') },
];

/** The counts as the answer rules took them before: tokenizing the title and the whole text. */
const tokenized = (document: { title: string; text: string }) => {
  const counts = new Map<string, number>();
  for (const word of splitWords(`${document.title}\n${document.text}`)) {
    const term = processTerm(word);
    if (term) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
};

describe('PassageIndex.documentTerms', () => {
  const index = new PassageIndex();
  const passagesOf = new Map(
    DOCUMENTS.map((document) => [
      document.id,
      segmentDocument(document.id, document.text, document.title),
    ]),
  );
  for (const document of DOCUMENTS) index.add(document, passagesOf.get(document.id)!);

  it('gives the counts that tokenizing the title and the whole text gives', () => {
    expect(passagesOf.get('regions')![0]!.start).toBeGreaterThan(0); // the title line is left out
    for (const document of DOCUMENTS) {
      const counts = tokenized(document);
      const expected = new TermCounts(counts);
      const fromIndex = index.documentTerms(
        document.title,
        document.text,
        passagesOf.get(document.id)!,
      )!;
      const asked = [...counts.keys(), 'russianz', 'kazan', 'russ', 'passportss'];
      for (const term of asked) {
        expect(fromIndex.has(term), term).toBe(counts.has(term));
        expect(fromIndex.related(term), term).toBe(expected.related(term));
      }
    }
    // Related terms from passages and from the left-out title line both count.
    const regions = DOCUMENTS[0]!;
    const terms = index.documentTerms(regions.title, regions.text, passagesOf.get(regions.id)!)!;
    expect(terms.related('russia')).toBe(new TermCounts(tokenized(regions)).related('russia'));
    expect(terms.related('russia')).toBeGreaterThan(tokenized(regions).get('russia')!);
  });

  it('gives up where a word could cross a passage edge, so the caller tokenizes instead', () => {
    const [document] = DOCUMENTS;
    const passages = passagesAt(document!.id, document!.text, [{ start: 2, end: 40 }]);
    expect(index.documentTerms(document!.title, document!.text, passages)).toBeUndefined();
  });
});
