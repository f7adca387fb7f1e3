import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import {
  decodeSnapshot,
  encodeSnapshot,
  restoreIndex,
  snapshotIndex,
} from '../../src/core/index-snapshot.ts';
import { CorpusIndex } from '../../src/core/corpus-index.ts';
import type { CorpusDocument } from '../../src/core/types.ts';
import { GLOBAL_SCOPE } from '../../src/core/scope.ts';

const paragraph = (subject: string) =>
  `${subject} introduced digital passports for cafes and theatres in the spring. ` +
  `Officials in ${subject} said the passports would be checked at the door, and that ` +
  'visitors without one would be turned away until the end of the summer season.';

const DOCUMENTS: CorpusDocument[] = [
  {
    id: 'regions',
    title: 'Regional passports',
    language: 'en',
    text: [paragraph('Bashkortostan'), paragraph('Tatarstan'), paragraph('Moscow')].join('\n\n'),
    scope: GLOBAL_SCOPE,
    origin: 'shipped',
  },
];

describe('a corpus loaded from a saved index', () => {
  it('holds the passages it was saved with, without segmenting again', () => {
    const built = new CorpusIndex(DOCUMENTS);
    const saved = built.serializeIndex();
    expect(saved.header.segments?.['regions']).toEqual(
      built.passagesOf('regions').flatMap((passage) => [passage.start, passage.end]),
    );
    const loaded = new CorpusIndex(DOCUMENTS, saved);
    expect(loaded.passagesOf('regions')).toEqual(built.passagesOf('regions'));
    expect(loaded.ask('When did Tatarstan introduce passports?')).toEqual(
      built.ask('When did Tatarstan introduce passports?'),
    );
  });

  it('adds and removes documents as the library it was saved from does', () => {
    const added: CorpusDocument = {
      id: 'kazan',
      title: 'Kazan passports',
      language: 'en',
      text: paragraph('Kazan'),
      scope: GLOBAL_SCOPE,
      origin: 'shipped',
    };
    const built = new CorpusIndex(DOCUMENTS);
    const loaded = new CorpusIndex(DOCUMENTS, built.serializeIndex());
    for (const library of [built, loaded]) {
      library.add(added);
      library.remove('regions');
    }
    const question = 'When did Kazan introduce passports?';
    expect(loaded.ask(question).status).toBe('answered');
    expect(loaded.ask(question)).toEqual(built.ask(question));
    expect(loaded.ask('When did Tatarstan introduce passports?').status).toBe('no-answer');
  });

  it('refuses saved passage boundaries that do not fit the text', () => {
    const saved = new CorpusIndex(DOCUMENTS).serializeIndex();
    const shorter = [{ ...DOCUMENTS[0]!, text: paragraph('Bashkortostan') }];
    expect(() => new CorpusIndex(shorter, saved)).toThrow(/does not fit its text/u);
  });
});

describe('an index snapshot', () => {
  it('restores exactly the MiniSearch index it was taken of', () => {
    const index = new MiniSearch<{ id: string; title: string; text: string }>({
      fields: ['title', 'text'],
    });
    index.addAll([
      { id: 'a#1', title: 'Passports', text: 'Bashkortostan introduced passports first.' },
      { id: 'a#2', title: 'Passports', text: 'Tatarstan followed with QR codes.' },
      { id: 'b#1', title: 'Codes', text: 'Moscow dropped its QR codes in the summer.' },
    ]);
    index.remove({ id: 'a#2', title: 'Passports', text: 'Tatarstan followed with QR codes.' });
    const restored = restoreIndex(decodeSnapshot(encodeSnapshot(snapshotIndex(index))), {
      fields: ['title', 'text'],
    });
    const plain = (miniSearch: MiniSearch<never> | typeof index) => {
      const { index: terms, ...rest } = JSON.parse(JSON.stringify(miniSearch)) as {
        index: Array<[string, unknown]>;
      };
      return { ...rest, terms: Object.fromEntries(terms) };
    };
    expect(plain(restored as typeof index)).toEqual(plain(index));
    expect(restored.search('qr codes')).toEqual(index.search('qr codes'));
  });

  it('is refused when its bytes are cut short or are not a snapshot', () => {
    const index = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
    index.add({ id: 'a', text: 'Bashkortostan introduced passports first.' });
    const bytes = encodeSnapshot(snapshotIndex(index));
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 8))).toThrow(/cut short/u);
    expect(() => decodeSnapshot(new TextEncoder().encode('{"not":"a snapshot"}'))).toThrow(
      /not an index snapshot/u,
    );
  });
});
