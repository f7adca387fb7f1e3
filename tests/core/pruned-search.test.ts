import { describe, expect, it } from 'vitest';
import { analyzeQuestion } from '../../src/core/analysis.ts';
import { PassageIndex } from '../../src/core/passage-index.ts';
import { segmentDocument } from '../../src/core/segment.ts';

/** Small documents where a rare word, a common word and a title word compete. */
const DOCUMENTS = [
  [
    'bashkir',
    'Bashkortostan passports',
    'Bashkortostan introduced Covid passports in the spring. The region was first to require them.',
  ],
  [
    'moscow',
    'Moscow rules',
    'Moscow required QR codes in cafes. The city dropped the rule in the summer after protests.',
  ],
  [
    'tatar',
    'Tatarstan',
    'Tatarstan required QR codes on public transport, then dropped the rule. Passports were never issued there.',
  ],
  [
    'eu',
    'EU certificate',
    'The EU digital certificate works as a passport for travel between member states in the summer.',
  ],
  [
    'vaccine',
    'Vaccines',
    'Sputnik V was the first vaccine registered. The region bought it in spring; the city bought it in summer.',
  ],
  [
    'codes',
    'QR codes',
    'QR codes were required in the region, in the city and on trains: codes, codes and more codes.',
  ],
].map(([id, title, text]) => ({ id: id!, title: title!, text: text! }));

function indexOf(documents: typeof DOCUMENTS): PassageIndex {
  const index = new PassageIndex();
  for (const document of documents)
    index.add(document, segmentDocument(document.id, document.text));
  return index;
}

const QUESTIONS = [
  'Which region introduced passports first in the spring?',
  'Where were QR codes required in the city in summer?',
  'What did the region and the city buy?',
  'Which certificate works as a passport?',
  'Did Tatarstan issue passports?',
];

describe('pruned evaluation', () => {
  it('ranks exactly as MiniSearch’s exhaustive search, at every depth', () => {
    const index = indexOf(DOCUMENTS);
    for (const question of QUESTIONS) {
      for (const limit of [1, 2, 3, 6]) {
        const pruned = index.search(question, () => true, limit, undefined, 'pruned');
        const exhaustive = index.search(question, () => true, limit, undefined, 'exhaustive');
        expect(pruned, `${question} (top ${limit})`).toEqual(exhaustive);
      }
    }
  });

  it('ranks exactly as exhaustive search with vocabulary alternatives', () => {
    const index = indexOf(DOCUMENTS);
    const vocabulary = new Map([['certif', ['passport', 'qr']]]);
    const terms = analyzeQuestion('Which certificate lets you travel?', vocabulary);
    const pruned = index.search(terms, () => true, 3, undefined, 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    expect(pruned).toEqual(index.search(terms, () => true, 3, undefined, 'exhaustive'));
  });

  it('leaves out passages the asker cannot see, as exhaustive search does', () => {
    const index = indexOf(DOCUMENTS);
    const visible = (documentId: string) => documentId !== 'codes' && documentId !== 'moscow';
    const question = 'Where were QR codes required?';
    const pruned = index.search(question, visible, 2, undefined, 'pruned');
    expect(pruned.map((candidate) => candidate.documentId)).not.toContain('codes');
    expect(pruned).toEqual(index.search(question, visible, 2, undefined, 'exhaustive'));
  });

  it('stays exact after documents are removed and added', () => {
    const index = indexOf(DOCUMENTS.slice(0, 4));
    const removed = DOCUMENTS[1]!;
    index.remove(removed, segmentDocument(removed.id, removed.text));
    for (const document of DOCUMENTS.slice(4)) {
      index.add(document, segmentDocument(document.id, document.text));
    }
    for (const question of QUESTIONS) {
      const pruned = index.search(question, () => true, 2, undefined, 'pruned');
      expect(pruned.map((candidate) => candidate.documentId)).not.toContain('moscow');
      expect(pruned).toEqual(index.search(question, () => true, 2, undefined, 'exhaustive'));
    }
  });
});
