import { describe, expect, it } from 'vitest';
import { buildWordNetLookup, type WordNetFiles } from '../../src/core/wordnet.ts';
import { mergeVocabularies } from '../../src/core/vocabulary.ts';
import { GLOBAL_SCOPE } from '../../src/core/scope.ts';

/**
 * A few synsets in WordNet's own file format. Data lines start with their byte offset, so the
 * offsets are worked out here: `@name` in a line is replaced by the offset of synset `name`.
 */
function wordNetFiles(): WordNetFiles {
  const synsets = {
    noun: {
      doctor: 'n 03 doctor 0 physician 0 medico 0 000',
      france: 'n 01 France 0 001 + @french a 0101',
      ban: 'n 01 ban 0 000',
    },
    adj: { french: 'a 01 French 0 001 \\ @france n 0101' },
    verb: {},
    adv: {},
  } as const;
  // Every line is padded to one length, so each synset's offset is known before it is written.
  const header = '  1 license header\n';
  const lineLength = 132;
  const offsets = new Map<string, string>();
  for (const entries of Object.values(synsets)) {
    Object.keys(entries).forEach((name, i) => {
      offsets.set(name, String(header.length + i * (lineLength + 1)).padStart(8, '0'));
    });
  }
  const data: Record<string, string> = {};
  for (const [part, entries] of Object.entries(synsets)) {
    let text = header;
    for (const [name, body] of Object.entries(entries)) {
      const line = `${offsets.get(name)} 00 ${body.replace(/@(\w+)/gu, (_m, ref: string) => offsets.get(ref)!)} | gloss`;
      text += `${line.padEnd(lineLength)}\n`;
    }
    data[part] = text;
  }
  const index = (lines: string[]) => `${header}${lines.join('\n')}\n`;
  return {
    noun: {
      index: index([
        `doctor n 1 0 1 0 ${offsets.get('doctor')}`,
        `physician n 1 0 1 0 ${offsets.get('doctor')}`,
        `france n 1 1 + 1 0 ${offsets.get('france')}`,
        `ban n 1 0 1 0 ${offsets.get('ban')}`,
      ]),
      data: data['noun']!,
    },
    adj: { index: index([`french a 1 1 \\ 1 0 ${offsets.get('french')}`]), data: data['adj']! },
    verb: { index: index([]), data: data['verb']! },
    adv: { index: index([]), data: data['adv']! },
  };
}

describe('WordNet lookup', () => {
  const lookup = buildWordNetLookup(wordNetFiles());

  it('relates the words of one sense, as index terms', () => {
    expect(lookup.get('physician')).toEqual(['doctor', 'medico']);
  });

  it('relates a demonym to its country through the pertainym, both ways', () => {
    expect(lookup.get('french')).toContain('franc');
    expect(lookup.get('franc')).toContain('french');
  });

  it('has nothing for a word with no synonym, derivation or pertainym', () => {
    expect(lookup.get('ban')).toBeUndefined();
  });
});

describe('mergeVocabularies', () => {
  it("keeps the operator's alternatives first and adds only what WordNet has beyond them", () => {
    const merged = mergeVocabularies(
      new Map([['jab', ['vaccin']]]),
      new Map([
        ['jab', ['poke', 'vaccin']],
        ['physician', ['doctor']],
      ]),
    );
    expect(merged.get('jab')).toEqual(['vaccin', 'poke']);
    expect(merged.get('physician')).toEqual(['doctor']);
  });
});

describe('asking with WordNet', async () => {
  const { CorpusIndex } = await import('../../src/core/corpus-index.ts');
  const { loadWordNet } = await import('../../src/corpus/wordnet.ts');
  const wordNet = await loadWordNet();
  const documents = [
    {
      id: 'clinic',
      title: 'Village clinics',
      text: 'Each village clinic has two doctors, who visit the outlying farms twice a month.',
    },
    {
      id: 'roads',
      title: 'Winter roads',
      text: 'The winter roads to the outlying farms close when the snow melts in April.',
    },
  ].map((document) => ({
    ...document,
    language: 'en',
    scope: GLOBAL_SCOPE,
    origin: 'shipped' as const,
  }));

  const question = 'How many physicians does a clinic have?';

  it('answers from the passage that says "doctor" a question that says "physicians"', () => {
    const answer = new CorpusIndex(documents, undefined, wordNet).ask(question);
    expect(answer.status).toBe('answered');
    if (answer.status === 'answered') expect(answer.citations[0]?.documentId).toBe('clinic');
  });

  it('refuses the same question without WordNet: no document says "physician"', () => {
    expect(new CorpusIndex(documents, undefined, new Map()).ask(question).status).toBe('no-answer');
  });
});

describe('names asked in another form than the corpus writes them', async () => {
  const { CorpusIndex } = await import('../../src/core/corpus-index.ts');
  const { loadWordNet } = await import('../../src/corpus/wordnet.ts');
  const wordNet = await loadWordNet();
  // "China" is in two passages, so it is no rare word; only the regulators' passage answers.
  const documents = [
    {
      id: 'regulators',
      title: 'Vaccine approvals',
      text: 'Chinese regulators approved the vaccine for general use in March.',
    },
    { id: 'treaty', title: 'A treaty', text: 'China signed a gas treaty with Russia last year.' },
    { id: 'tea', title: 'Tea', text: 'China exported more green tea to Europe than ever.' },
  ].map((document) => ({
    ...document,
    language: 'en',
    scope: GLOBAL_SCOPE,
    origin: 'shipped' as const,
  }));

  it('finds "Chinese" for "China", however often the corpus says "China"', () => {
    const answer = new CorpusIndex(documents, undefined, wordNet).ask(
      'When did China approve the vaccine?',
    );
    expect(answer.status).toBe('answered');
    if (answer.status === 'answered') expect(answer.citations[0]?.documentId).toBe('regulators');
  });
});
