import { describe, expect, it } from 'vitest';
import {
  analyzeQuestion,
  processTerm,
  TermCounts,
  termsRelated,
  tokenize,
} from '../../src/core/analysis.ts';

describe('processTerm', () => {
  it.each([
    ['Passports', 'passport'],
    ['vaccination', 'vaccin'],
    ['vaccinated', 'vaccin'],
    ['Russia’s', 'russia'],
    ["Russia's", 'russia'],
    ['QR', 'qr'],
    ['café', 'cafe'],
    ['19', '19'],
  ])('turns %s into the index term %s', (word, term) => {
    expect(processTerm(word)).toBe(term);
  });

  it.each(['which', 'What', 'did', 'the', 'about', 'Who', "Isn't", 'I’m', 'anything', "what's"])(
    'drops the question word %s',
    (word) => {
      expect(processTerm(word)).toBeNull();
    },
  );

  it.each([
    ['WHO', 'who'],
    ['US', 'us'],
  ])('keeps %s, a stop word written as an acronym', (word, term) => {
    expect(processTerm(word)).toBe(term);
  });

  it.each([
    ['won', 'winning'],
    ['got', 'get'],
    ['said', 'says'],
    ['written', 'writes'],
  ])('indexes the irregular form %s as its verb, as it does %s', (form, regular) => {
    expect(processTerm(form)).toBe(processTerm(regular));
  });

  it('leaves a past form that is also a common noun alone', () => {
    expect(processTerm('left')).not.toBe(processTerm('leave'));
  });
});

describe('tokenize', () => {
  it('keeps offsets into the original text', () => {
    const text = 'Covid-19 passports, in Bashkortostan.';
    const tokens = tokenize(text);
    expect(tokens.map((token) => text.slice(token.start, token.end))).toEqual([
      'Covid',
      '19',
      'passports',
      'in',
      'Bashkortostan',
    ]);
  });

  it('splits a domain name into its words, so "Gosuslugi" finds "Gosuslugi.ru"', () => {
    expect(tokenize('the Gosuslugi.ru portal').map((token) => token.word)).toEqual([
      'the',
      'Gosuslugi',
      'ru',
      'portal',
    ]);
  });

  it('keeps numbers with separators and dotted acronyms whole', () => {
    expect(tokenize('330,000 signatures in the U.S.').map((token) => token.word)).toEqual([
      '330,000',
      'signatures',
      'in',
      'the',
      'U.S',
    ]);
  });
});

describe('analyzeQuestion', () => {
  it('keeps each content word once, in the order typed', () => {
    expect(
      analyzeQuestion('Passports, passports: which region issued passports?').map(
        (term) => term.term,
      ),
    ).toEqual(['passport', 'region', 'issu']);
  });

  it('flags a capitalised word inside the sentence as a name', () => {
    const [germany, decide] = analyzeQuestion('What did Germany decide?');
    expect(germany).toMatchObject({ word: 'Germany', capitalized: true });
    expect(decide).toMatchObject({ word: 'decide', capitalized: false });
  });

  it('does not flag the first word of a question as a name', () => {
    expect(analyzeQuestion('Vaccines in Russia?')[0]).toMatchObject({
      word: 'Vaccines',
      capitalized: false,
    });
  });

  it('keeps an acronym spelled like a stop word, as a name', () => {
    expect(analyzeQuestion('Has the WHO approved Sputnik V?')[0]).toMatchObject({
      term: 'who',
      capitalized: true,
    });
  });

  it('reads a question typed in capitals as if it were not', () => {
    expect(analyzeQuestion('WHO IS THE MAYOR OF KAZAN?')).toMatchObject([
      { term: 'mayor', capitalized: false },
      { term: 'kazan', capitalized: false },
    ]);
  });

  it('flags acronyms as names', () => {
    expect(analyzeQuestion('what did the eu say about the EU passport')[0]).toMatchObject({
      word: 'eu',
      capitalized: true,
    });
  });
});

describe('termsRelated', () => {
  it('relates a name to its adjective', () => {
    expect(termsRelated('russia', 'russian')).toBe(true);
  });

  it('does not relate short terms that merely share a beginning', () => {
    expect(termsRelated('code', 'coder')).toBe(false);
  });
});

describe('TermCounts', () => {
  const counts = new Map([
    ['russ', 7], // shorter than five letters: related to nothing else
    ['russia', 2],
    ['russian', 1],
    ['russians', 4],
    ['russianness', 9], // more than three letters longer
    ['russi', 5],
    ['rus', 6],
    ['moscow', 4],
    ['germani', 3],
    ['german', 2],
    ['germ', 8],
  ]);
  const terms = new TermCounts(counts);
  const everyPair = (term: string) =>
    [...counts].reduce((sum, [other, times]) => sum + (termsRelated(term, other) ? times : 0), 0);

  it('counts a term with the terms related to it, as every pair of termsRelated would', () => {
    for (const term of [...counts.keys(), 'russianz', 'absent']) {
      // Asked three times: the first passes read every term, later ones the sorted terms.
      const fresh = new TermCounts(counts);
      const answers = [fresh.related(term), fresh.related(term), fresh.related(term)];
      expect(answers, term).toEqual([everyPair(term), everyPair(term), everyPair(term)]);
    }
    expect(terms.related('russia')).toBe(2 + 1 + 4 + 5);
  });

  it('answers has and count from the counts', () => {
    expect(terms.has('moscow')).toBe(true);
    expect(terms.has('kazan')).toBe(false);
    expect(terms.count('germani')).toBe(3);
    expect(terms.count('kazan')).toBe(0);
  });
});

describe('phrases for display', () => {
  it('keeps a hyphenated compound whole, so "Covid-19" is shown once, as typed', () => {
    const terms = analyzeQuestion('Who introduced Covid-19 passports?');
    expect(terms.map((term) => term.phrase)).toEqual([
      'introduced',
      'Covid-19',
      'Covid-19',
      'passports',
    ]);
  });
});
