import { describe, expect, it } from 'vitest';
import { ANSWER_RULES } from '../../src/core/answer.ts';
import { UserError } from '../../src/core/errors.ts';
import { CorpusIndex } from '../../src/core/corpus-index.ts';
import type { CorpusDocument } from '../../src/core/types.ts';
import { loadShippedCorpus } from '../../src/corpus/corpus-loader.ts';
import { GLOBAL_SCOPE, guildScope } from '../../src/core/scope.ts';

const shipped = new CorpusIndex(await loadShippedCorpus());

function doc(
  id: string,
  title: string,
  text: string,
  extra: Partial<CorpusDocument> = {},
): CorpusDocument {
  return { id, title, text, language: 'en', scope: GLOBAL_SCOPE, origin: 'shipped', ...extra };
}

/** A small corpus of invented documents, so each ranking test shows its reason in a few lines. */
const small = new CorpusIndex([
  doc(
    'tatarstan-transport',
    'Tatarstan requires QR codes on buses',
    'From November 22, passengers on buses and trains in Tatarstan must show a QR code proving vaccination or past illness. Some 2,200 people were turned away on the first day.',
  ),
  doc(
    'moscow-restaurants',
    'Moscow drops QR codes for restaurants',
    'Moscow required QR codes in restaurants in June. Revenues fell by 36 percent, and the order was revoked after three weeks.',
  ),
  doc(
    'sputnik-exports',
    'Sputnik V abroad',
    'Argentina received about 11 million doses of Sputnik V. San Marino vaccinated over 70 percent of its people, mostly with Sputnik V.',
  ),
]);

describe('ask on the shipped corpus', () => {
  it('cites the Moscow Times article, with Bashkortostan in the excerpt, for the first region with Covid passports', () => {
    const answer = shipped.ask('Which Russian region first introduced Covid-19 passports?');
    expect(answer.status).toBe('answered');
    if (answer.status !== 'answered') return;
    const [first] = answer.citations;
    expect(first?.site).toBe('The Moscow Times');
    expect(first?.excerpt).toContain('Bashkortostan');
    expect(first?.url).toMatch(/^https:\/\/www\.themoscowtimes\.com\//);
  });

  it('refuses a question about Germany, which no document covers, and names the missing word', () => {
    const answer = shipped.ask('What did Germany decide about vaccine passports?');
    expect(answer).toMatchObject({ status: 'no-answer', missingTerms: ['Germany'] });
    if (answer.status === 'no-answer') expect(answer.reason).toContain('Germany');
  });

  it('refuses an off-topic question and still suggests no more than three documents', () => {
    const answer = shipped.ask('How do I bake sourdough bread?');
    expect(answer.status).toBe('no-answer');
    if (answer.status === 'no-answer') {
      expect(answer.reason).toContain('sourdough');
      expect(answer.suggestions.length).toBeLessThanOrEqual(3);
    }
  });

  it('marks in the excerpt exactly the words the question asked for', () => {
    const answer = shipped.ask('Why were passengers kicked off buses in Tatarstan?');
    if (answer.status !== 'answered') throw new Error('expected an answer');
    const citation = answer.citations[0]!;
    const marked = citation.marks.map((mark) =>
      citation.excerpt.slice(mark.start, mark.end).toLowerCase(),
    );
    expect(marked).toEqual(expect.arrayContaining(['passengers', 'kicked', 'buses', 'tatarstan']));
  });

  it('shows the answer from the passage before the one cited when the cited one continues it', () => {
    // The cited passage repeats "equal rights of Belarusians and Russians"; the rights
    // themselves are the last sentence of the passage before it.
    const answer = shipped.ask(
      "What rights do Belarusians and Russians share in each other's country?",
    );
    if (answer.status !== 'answered') throw new Error('expected an answer');
    expect(answer.citations[0]?.excerpt).toContain(
      'equal rights in healthcare, social security, pensions, education',
    );
  });

  it('locates each excerpt in the document', async () => {
    const documents = await loadShippedCorpus();
    const answer = shipped.ask('What did the hospital doctors offer the anti-vaxxers?');
    if (answer.status !== 'answered') throw new Error('expected an answer');
    for (const citation of answer.citations) {
      const text = documents.find((document) => document.id === citation.documentId)!.text;
      const located = text
        .slice(citation.excerptRange.start, citation.excerptRange.end)
        .replace(/\s+/g, ' ');
      // A long sentence cut to make room for the answer next to it leaves a " … " inside:
      // each part is the document's text, in order, and the ends are the range's.
      const parts = citation.excerpt.replace(/^… | …$/g, '').split(' … ');
      expect(located.startsWith(parts[0]!)).toBe(true);
      expect(located.endsWith(parts.at(-1)!)).toBe(true);
      let from = 0;
      for (const part of parts) {
        const at = located.indexOf(part, from);
        expect(at, part).toBeGreaterThanOrEqual(from);
        from = at + part.length;
      }
    }
  });
});

describe('ranking', () => {
  it('puts the passage that contains the rare words first', () => {
    // "Tatarstan" and "turned away" are in one document only; "QR codes" are in two.
    const answer = small.ask('How many people were turned away in Tatarstan?');
    if (answer.status !== 'answered') throw new Error('expected an answer');
    expect(answer.citations.map((citation) => citation.documentId)).toEqual([
      'tatarstan-transport',
    ]);
  });

  it('ranks both QR-code documents when the question fits both, the closer match first', () => {
    // Both mention QR codes; only the Moscow one mentions restaurants.
    const answer = small.ask('Were QR codes required in restaurants?');
    if (answer.status !== 'answered') throw new Error('expected an answer');
    expect([...new Set(answer.citations.map((citation) => citation.documentId))]).toEqual([
      'moscow-restaurants',
      'tatarstan-transport',
    ]);
  });

  it('cites a second passage of the same document only when it is nearly as good as the best', () => {
    const answer = shipped.ask('vaccine passport human rights');
    if (answer.status !== 'answered') throw new Error('expected an answer');
    const best = answer.citations[0]!.score;
    const seen = new Set<string>();
    const repeats = answer.citations.filter((citation) => {
      const repeated = seen.has(citation.documentId);
      seen.add(citation.documentId);
      return repeated;
    });
    // The question must bring up a second passage of some document, or this checks nothing.
    expect(repeats.length).toBeGreaterThan(0);
    for (const citation of repeats)
      expect(citation.score).toBeGreaterThanOrEqual(ANSWER_RULES.sameDocumentRelativeScore * best);
  });
});

describe('what a citation cannot speak to', () => {
  it('names the question words its document never uses, apart from those it matched', () => {
    const answer = small.ask('How many doses of Sputnik V did Argentina receive for pensioners?');
    if (answer.status !== 'answered') throw new Error('expected an answer');
    const [citation] = answer.citations;
    expect(citation).toMatchObject({
      documentId: 'sputnik-exports',
      notInDocument: ['pensioners'],
    });
    expect(citation!.matchedInExcerpt).toEqual(
      expect.arrayContaining(['doses', 'Sputnik', 'Argentina']),
    );
  });
});

describe('the kind of answer asked for', () => {
  const undated = doc(
    'passports-announced',
    'Bashkortostan announces Covid passports',
    'Bashkortostan will issue Covid passports to vaccinated residents, Governor Radiy Khabirov announced.',
  );
  const dated = doc(
    'passports-start',
    'When the passports start',
    'Residents of Bashkortostan can get their Covid passports from February 5.',
  );

  it('still answers a "when" question from an undated passage when no passage holds a date', () => {
    expect(
      new CorpusIndex([undated]).ask('When will Bashkortostan issue Covid passports?').status,
    ).toBe('answered');
  });

  it('cites only the passage that holds a date for a "when" question when one does', () => {
    const answer = new CorpusIndex([undated, dated]).ask(
      'When will Bashkortostan issue Covid passports?',
    );
    if (answer.status !== 'answered') throw new Error('expected an answer');
    expect(answer.citations.map((citation) => citation.documentId)).toEqual(['passports-start']);
  });

  it('answers a question asking for no kind from the undated passage', () => {
    expect(
      new CorpusIndex([undated]).ask('Who announced the Covid passports in Bashkortostan?').status,
    ).toBe('answered');
  });
});

describe('numbers the question names', () => {
  const treaty = doc(
    'treaty-anniversary',
    'Treaty anniversary',
    'On the 20th anniversary of the treaty, Lavrov recalled that Jiang Zemin and Vladimir Putin signed it in Moscow years ago.',
    { publishedAt: '2021-07-17' },
  );

  it('counts an ordinal in the text as mentioning its number', () => {
    expect(new CorpusIndex([treaty]).ask('Who signed the treaty 20 years ago?').status).toBe(
      'answered',
    );
  });

  it("counts the document's date as mentioning its year", () => {
    expect(
      new CorpusIndex([treaty]).ask('Who signed the treaty Lavrov recalled in 2021?').status,
    ).toBe('answered');
  });

  it('does not say no source uses a number a passage has as an ordinal', () => {
    expect(new CorpusIndex([treaty]).ask('Who signed the treaty 20 years ago?')).not.toHaveProperty(
      'unknownWords',
    );
  });

  it('still refuses a number the document does not mention', () => {
    expect(new CorpusIndex([treaty]).ask('Who signed the treaty in 1999?').status).toBe(
      'no-answer',
    );
  });
});

describe('words no source uses', () => {
  it('are named with the answer, apart from the word after "how"', () => {
    const answer = small.ask('How many doses of Sputnik V did Argentina receive for pensioners?');
    expect(answer).toMatchObject({ status: 'answered', unknownWords: ['pensioners'] });
  });

  it('are not named when the corpus uses every word', () => {
    expect(small.ask('How many doses of Sputnik V did Argentina receive?')).not.toHaveProperty(
      'unknownWords',
    );
  });

  it('are named when an answer is recited from its passages too', () => {
    const recited = small.recite('Sputnik V doses for pensioners', ['sputnik-exports#1']);
    expect(recited.unknownWords).toEqual(['pensioners']);
  });
});

describe('visibility', () => {
  const guildDocument = doc(
    'guild-memo',
    'Server memo on QR codes',
    'Our server memo: the Omicron wave changed nothing about QR codes in Kazan.',
    {
      scope: guildScope('111111111111111111'),
      origin: 'server',
    },
  );
  const corpus = new CorpusIndex([guildDocument]);

  it("answers from a server's own document in that server", () => {
    expect(
      corpus.ask('What about Omicron in Kazan?', { scope: guildScope('111111111111111111') })
        .status,
    ).toBe('answered');
  });

  it("never shows a server's document in another server, nor suggests it", () => {
    const answer = corpus.ask('What about Omicron in Kazan?', {
      scope: guildScope('222222222222222222'),
    });
    expect(answer.status).toBe('no-answer');
    if (answer.status === 'no-answer') expect(answer.suggestions).toEqual([]);
  });
});

describe('input', () => {
  it('rejects an empty question with a message for the user', () => {
    expect(() => shipped.ask('   ')).toThrow(UserError);
  });

  it('answers a question made only of stop words with a no-answer that says why', () => {
    const answer = shipped.ask('what is it?');
    expect(answer.status).toBe('no-answer');
    if (answer.status === 'no-answer') expect(answer.reason).toMatch(/no words I can search for/);
  });
});

describe('title lookup', () => {
  it('tolerates a typo', () => {
    expect(shipped.findDocuments('bashkortostn')[0]?.documentId).toBe(
      'bashkortostan-covid-passports',
    );
  });

  it('matches the start of a word and the site name', () => {
    expect(shipped.findDocuments('moscow tim')[0]?.documentId).toBe(
      'bashkortostan-covid-passports',
    );
  });

  it('lists the newest documents first for an empty query', () => {
    const dates = shipped.findDocuments('').map((match) => match.publishedAt ?? '');
    const dated = dates.filter(Boolean);
    expect(dated).toEqual([...dated].sort().reverse());
  });

  it('resolves an id, an exact title, or a partial title to one document', () => {
    expect(shipped.resolveDocument('bashkortostan-covid-passports')?.site).toBe('The Moscow Times');
    expect(
      shipped.resolveDocument("Russian Region Becomes First to Introduce Covid-19 'Passports'")
        ?.site,
    ).toBe('The Moscow Times');
    expect(shipped.resolveDocument('qr codes resistance')?.site).toBe('RFE/RL');
  });
});

describe('adding and removing', () => {
  it('finds a document as soon as it is added, and never after it is removed', () => {
    const corpus = new CorpusIndex(loadedOnce());
    corpus.add(
      doc(
        'novel',
        'Vaccination buses in Yakutia',
        'Mobile vaccination buses toured Yakutia villages in winter.',
      ),
    );
    expect(corpus.ask('vaccination buses Yakutia').status).toBe('answered');
    corpus.remove('novel');
    expect(corpus.ask('vaccination buses Yakutia').status).toBe('no-answer');
  });
});

function loadedOnce(): CorpusDocument[] {
  return [
    doc('base', 'Base', 'A base document about nothing in particular, with enough words to index.'),
  ];
}

describe('recite: an answer given before, from the passages it cited', () => {
  const question = 'Where are QR codes required?';
  const answer = small.ask(question);
  const cited = answer.status === 'answered' ? answer.citations : [];

  it('cites the same passages again, with the same excerpts, without searching', () => {
    expect(cited.length).toBeGreaterThan(1);
    const again = small.recite(
      question,
      cited.map((citation) => citation.passageId),
    );
    expect(again.citations.map(({ score: _score, ...citation }) => citation)).toEqual(
      cited.map(({ score: _score, ...citation }) => citation),
    );
    expect(again.citations.every((citation) => citation.score === 0)).toBe(true);
  });

  it('keeps the order it is given, even where a search would rank otherwise', () => {
    const reversed = cited.map((citation) => citation.passageId).reverse();
    expect(small.recite(question, reversed).citations.map((c) => c.passageId)).toEqual(reversed);
  });

  it('leaves out passages no longer held, and those the asking server cannot see', () => {
    const corpus = new CorpusIndex([
      doc('kept', 'Kept', 'Tatarstan requires QR codes on buses.'),
      doc('theirs', 'Theirs', 'Moscow required QR codes in restaurants.', {
        scope: guildScope('1'),
        origin: 'server',
      }),
    ]);
    const ids = ['gone#1', 'theirs#1', 'kept#1'];
    expect(
      corpus.recite(question, ids, { scope: guildScope('2') }).citations.map((c) => c.passageId),
    ).toEqual(['kept#1']);
    expect(
      corpus.recite(question, ids, { scope: guildScope('1') }).citations.map((c) => c.passageId),
    ).toEqual(['theirs#1', 'kept#1']);
  });
});

describe('suggestions for a question no passage answers', () => {
  /** Paragraphs long enough to stay passages of their own, each about the harbour. */
  const harbourParagraphs = (place: string) =>
    Array.from(
      { length: 16 },
      (_, index) =>
        `Day ${index + 1} at the ${place} harbour: the harbour cranes unloaded grain, the harbour ` +
        'pilots guided the ferries past the breakwater, and the harbour master logged every ' +
        'arrival and departure in the harbour book before the evening tide came in over the ' +
        'quay, as the harbour office has done for as long as anyone in town remembers it.',
    ).join('\n\n');
  const library = new CorpusIndex([
    doc('north', 'North harbour log', harbourParagraphs('north')),
    doc('south', 'South harbour log', harbourParagraphs('south')),
    doc(
      'rail',
      'Rail freight',
      'Freight trains carried the grain inland from the coast, and one of them stopped at the harbour.',
    ),
  ]);

  it('looks past the candidates the answer rules judge when those name fewer than three documents', () => {
    // The 32 harbour-log passages outrank the rail document's only passage, 33rd.
    expect(library.passageCount).toBe(33);
    const answer = library.ask('Why did Germany close the harbour?');
    expect(answer.status).toBe('no-answer');
    if (answer.status !== 'no-answer') return;
    expect(answer.suggestions.map((suggestion) => suggestion.documentId)).toEqual([
      'north',
      'south',
      'rail',
    ]);
    expect(ANSWER_RULES.candidates).toBeLessThan(33);
  });
});
