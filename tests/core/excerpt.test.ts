import { describe, expect, it } from 'vitest';
import { processTerm } from '../../src/core/analysis.ts';
import { answerKindOf, holdsAnswer } from '../../src/core/answer-kind.ts';
import { bestExcerpt, describeMatches, nestQuotes, NO_FOCUS } from '../../src/core/excerpt.ts';

const focusOn = (question: string) => ({
  kind: answerKindOf(question),
  questionWords: new Set(question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []),
});

describe('answerKindOf', () => {
  it.each([
    ['How many doses has Bashkortostan received?', 'number'],
    ['What share of people were fully vaccinated?', 'number'],
    ['How long is the pass valid?', 'number'],
    ['When did China launch its pass?', 'date'],
    ['Who announced the passports?', 'person'],
    ['Why did Moscow scrap the QR codes?', 'reason'],
    ['Where was Lavrov filmed?', 'place'],
    ['Does Lavrov like the word passport?', 'other'],
    ['Who got hurt when Kazan started checking QR codes?', 'person'],
    ['When did Lavrov say how many countries use Sputnik?', 'date'],
    ['What antibody level do you need for a pass?', 'number'],
    ['Which interest rate did the bank set?', 'number'],
    ['Was anyone hurt when Kazan started checking QR codes?', 'other'],
    ['An expert compared it with 1939. Where did Lavrov answer him?', 'place'],
    ['An expert compared it with 1939. Did Lavrov say where it leads?', 'other'],
    [
      'A Polish expert compared it with 1939. What did Lavrov make of that comparison?',
      'statement',
    ],
    ['What did the head of the Federation Council suggest instead?', 'statement'],
    ['How did Lavrov react to the report?', 'statement'],
    ["What was Lavrov's complaint about Brussels?", 'statement'],
    ['What was the outcome of the Yekaterinburg lawsuit?', 'outcome'],
    ['What happened to the fake certificates?', 'outcome'],
    ['What mask did Lavrov wear when he met Wang Yi?', 'other'],
    ["What was Russia's death toll in November?", 'number'],
  ])('%s → %s', (question, kind) => {
    expect(answerKindOf(question)).toBe(kind);
  });
});

describe('bestExcerpt', () => {
  const weights = new Map([
    ['passport', 2],
    ['issu', 1],
    ['resid', 1],
  ]);
  const passage =
    'Passports were issued to residents of the region last winter. ' +
    'Passports were issued by the regional health ministry to some 7,000 residents of the region.';

  it('shows the sentence with a number for a how-many question, not the first that repeats it', () => {
    const question = 'How many residents were issued passports?';
    expect(bestExcerpt(passage, 0, weights, focusOn(question), 100).text).toContain('7,000');
  });

  it('keeps to the earlier, shorter sentence when the question asks for no number', () => {
    expect(bestExcerpt(passage, 0, weights, NO_FOCUS, 100).text).toBe(
      'Passports were issued to residents of the region last winter.',
    );
  });

  it('shows the answer after an interviewer’s question, not the question alone', () => {
    const interview =
      'Question: How many countries use Sputnik V today, and which ones in Europe? ' +
      'Sergey Lavrov: As of today, there are nearly 70 such countries, including eight in Europe.';
    const sputnikWeights = new Map([
      ['countri', 1],
      ['sputnik', 2],
      ['europ', 1],
    ]);
    const question = 'How many countries use Sputnik V?';
    const excerpt = bestExcerpt(interview, 0, sputnikWeights, focusOn(question), 100);
    expect(excerpt.text).toContain('nearly 70 such countries');
  });

  it('never cuts a name in two, wherever the length limit falls', () => {
    const sentence =
      'A person who received the vaccine would be issued a passport valid for one year, ' +
      'Sofya Aleshina, the head of the press service, told The Moscow Times on Monday in a long call.';
    const nameWeights = new Map([['vaccin', 1]]);
    for (let maxChars = 60; maxChars < sentence.length; maxChars += 1) {
      const { text } = bestExcerpt(sentence, 0, nameWeights, NO_FOCUS, maxChars);
      expect(text, `at ${maxChars}`).not.toMatch(/\b(?:The|The Moscow|Sofya) …$/u);
      expect(text, `at ${maxChars}`).not.toMatch(/^… (?:Moscow|Times|Aleshina)\b/u);
    }
  });

  it('shows a short answer right after a long sentence, cutting the long one instead', () => {
    const long =
      'On November 22, when the region became the first in Russia to require passengers on ' +
      'public transport to produce a QR code affirming their vaccination status, long queues ' +
      'formed at the stops, tempers flared at several of them, and the drivers of buses and ' +
      'trams were told to wait until every passenger had been checked by the inspectors.';
    const answer = 'Some 2,200 were not admitted.';
    const qrWeights = new Map([
      ['passeng', 2],
      ['qr', 2],
      ['region', 1],
    ]);
    const question = 'How many passengers did the region turn away over QR codes?';
    const excerpt = bestExcerpt(`${long} ${answer}`, 0, qrWeights, focusOn(question), 250);
    expect(excerpt.text).toMatch(/ … Some 2,200 were not admitted\.$/u);
    expect(excerpt.text.length).toBeLessThanOrEqual(250);
    // The cut keeps the long sentence's question words, and the marks still land on them.
    expect(excerpt.marks.map((mark) => excerpt.text.slice(mark.start, mark.end))).toContain('QR');
  });

  it('does not count a day of the month as the number a how-many question asks for', () => {
    const question = 'How many passengers were turned away?';
    expect(holdsAnswer('number', 'On November 22 passengers were turned away.', new Set())).toBe(
      false,
    );
    expect(holdsAnswer('number', 'Some 2,200 were turned away in 2021.', new Set())).toBe(true);
    expect(answerKindOf(question)).toBe('number');
  });

  it.each([
    'The governor announced it on Monday.',
    'Passports were introduced in the spring.',
    'The rule was lifted two weeks ago.',
    'It takes effect next year.',
    'The lighthouse opens to visitors at noon on Sundays.',
    'The ferry leaves at seven every morning.',
    'The pass will be dropped after the elections.',
    'The abbey was built in 1066.',
    'Jazz spread in the 1920s.',
    'The town grew in the 12th century.',
  ])('takes a weekday, a season, a time of day or a relative time for a date: %s', (sentence) => {
    expect(holdsAnswer('date', sentence, new Set())).toBe(true);
  });

  it('does not take a sentence without any time for a date', () => {
    expect(holdsAnswer('date', 'The governor announced the passports.', new Set())).toBe(false);
  });

  it('does not take a rough size ("hundreds of") for the count a how-many question asks for', () => {
    expect(holdsAnswer('number', 'Hundreds of passengers were kicked off buses.', new Set())).toBe(
      false,
    );
    expect(holdsAnswer('number', 'Thousands protested.', new Set())).toBe(false);
    expect(holdsAnswer('number', 'Some 2,200 people were not admitted.', new Set())).toBe(true);
    expect(holdsAnswer('number', 'Two hundred people were not admitted.', new Set())).toBe(true);
  });

  it('cuts a long sentence around the heaviest stretch of question words, not their midpoint', () => {
    const filler = 'and then the long report went on about the weather and the roads';
    const sentence = `Tatarstan required codes ${filler} ${filler} on buses ${filler} for passengers.`;
    const heavy = new Map([
      ['tatarstan', 3],
      ['buse', 1],
      ['passeng', 1],
    ]);
    const { text } = bestExcerpt(sentence, 0, heavy, NO_FOCUS, 120);
    expect(text).toMatch(/^Tatarstan required codes .* …$/u);
  });

  it('counts a question word once when the run holds it and its alternative too', () => {
    const first =
      'Everyone in Russia who got a jab gets a certificate, the ministry said on Monday.';
    const passage = `${first} Russian clinics agree with that rule entirely.`;
    const jabWeights = new Map([
      ['jab', 2],
      ['russia', 1],
      ['russian', 1],
    ]);
    const focus = { ...NO_FOCUS, termOf: new Map([['russian', 'russia']]) };
    // "Russian" stands for "Russia": the second sentence adds nothing the first lacks.
    expect(bestExcerpt(passage, 0, jabWeights, focus, 100).text).toBe(first);
  });

  /** Each of the question's words weighing 1, as the index would term them. */
  const evenWeights = (question: string) =>
    new Map(
      (question.match(/[\p{L}\p{N}]+/gu) ?? []).flatMap((word) => {
        const term = processTerm(word);
        return term === null ? [] : [[term, 1] as const];
      }),
    );

  it('shows the sentence after a long one that repeats the question, when both fit in 1.25× the limit', () => {
    const setting =
      'On November 22, when Tatarstan became the first region to require passengers on public ' +
      'transport to show a QR code, at least one fight broke out and hundreds of passengers were ' +
      'kicked off buses and trains across the republic, the local news agencies reported that day.';
    const answer = '"One female conductor had her nose broken," a party chairman said.';
    const question =
      'Was anyone hurt when Tatarstan started checking QR codes on public transport?';
    const excerpt = bestExcerpt(
      `${setting} ${answer} Similar stories came from other regions.`,
      0,
      evenWeights(question),
      focusOn(question),
      300,
    );
    expect(excerpt.text).toBe(`${setting} ${answer}`);
  });

  it('takes the sentence before the best one for context when it holds question words and the next holds none', () => {
    const before = 'Holders will also get discounts at regional retailers and venues.';
    const best =
      'According to Kommersant, the passport will allow discounted bookings at local hotels, ' +
      'while passport-holding teachers get extra paid leave days.';
    const passage = `${before} ${best} Immunity discrimination`;
    const question = 'covid passport perks discounts shops';
    const { text } = bestExcerpt(passage, 0, evenWeights(question), focusOn(question), 200);
    expect(text).toBe(`${before} ${best}`);
  });

  it('shows what follows the sentence that names the subject for an outcome or a statement', () => {
    const passage =
      'In Yekaterinburg, angry citizens tried to force their way into the court where a lawsuit ' +
      'against the QR-code mandate for malls and cinemas was argued. ' +
      'About 50 people made their way into the building before bailiffs stopped them. ' +
      'The court upheld the mandate. ' +
      'Protests went on in other cities for the rest of the week, and more were planned.';
    const question =
      'What was the outcome of the Yekaterinburg lawsuit against QR codes for malls?';
    const { text } = bestExcerpt(passage, 0, evenWeights(question), focusOn(question), 240);
    expect(text).toMatch(/^In Yekaterinburg.*The court upheld the mandate\.$/u);
  });

  it('does not cut away a statement inside the sentence that names the subject to reach the next', () => {
    const named =
      'At the beginning of the month, Lavrov was asked what he thinks about the proposal of the ' +
      'European Commission President for a vaccine passport during an interview with a public ' +
      'broadcaster, where he said "This idea has received an ambivalent response."';
    const passage = `${named} The attitude in Brussels is serious. Nobody asked the travellers.`;
    const question = "What did Lavrov think of the European Commission's vaccine passport?";
    const { text } = bestExcerpt(passage, 0, evenWeights(question), focusOn(question), 260);
    expect(text).toContain('ambivalent response');
  });

  describe('context from the passage beside it', () => {
    const before =
      'Makei mentioned the issue of equal rights. Currently, citizens of Russia and Belarus ' +
      'have equal rights in healthcare, pensions, education, travel and employment.';
    const passage =
      'As we deepen our integration, further questions arise about upholding the equal rights ' +
      'of Belarusians and Russians, which the ministers discussed at length on Monday. ' +
      'In 2015 a permanent committee set up a special working group for additional topics.';
    const after =
      'I believe such parallels are absolutely irrelevant. They reflect shallow thinking.';
    const document = `${before}\n\n${passage}\n\n${after}`;
    const passageStart = before.length + 2;
    const around = {
      before: { text: before, start: 0 },
      after: { text: after, start: passageStart + passage.length + 2 },
    };

    it('takes the last sentence of the passage before when the run starts its passage', () => {
      const question = "What rights do Belarusians and Russians share in each other's country?";
      const weights = evenWeights(question);
      weights.set('russia', 1).set('belaru', 1);
      const focus = {
        ...focusOn(question),
        termOf: new Map([
          ['russia', 'russian'],
          ['belaru', 'belarusian'],
        ]),
      };
      const excerpt = bestExcerpt(passage, passageStart, weights, focus, 250, undefined, around);
      expect(excerpt.text).toMatch(/^Currently, citizens of Russia and Belarus have equal rights/u);
      expect(excerpt.text).toContain('As we deepen our integration');
      // The range is the document's: the excerpt is that text, whitespace aside.
      expect(document.slice(excerpt.range.start, excerpt.range.end).replace(/\s+/gu, ' ')).toBe(
        excerpt.text,
      );
      expect(excerpt.marks.map((mark) => excerpt.text.slice(mark.start, mark.end))).toContain(
        'Belarus',
      );
    });

    it('takes the first sentence of the passage after when the run ends its passage', () => {
      const question = 'What did the committee working group on additional topics do?';
      const excerpt = bestExcerpt(
        passage,
        passageStart,
        evenWeights(question),
        focusOn(question),
        120,
        undefined,
        around,
      );
      expect(excerpt.text).toBe(
        'In 2015 a permanent committee set up a special working group for additional topics. ' +
          'I believe such parallels are absolutely irrelevant.',
      );
      expect(document.slice(excerpt.range.start, excerpt.range.end).replace(/\s+/gu, ' ')).toBe(
        excerpt.text,
      );
    });

    it('stays inside the passage without neighbours', () => {
      const question = 'What did the committee working group on additional topics do?';
      const excerpt = bestExcerpt(passage, passageStart, evenWeights(question), NO_FOCUS, 120);
      expect(excerpt.text).toBe(
        'In 2015 a permanent committee set up a special working group for additional topics.',
      );
    });
  });

  it('marks the question words it shows and lists them as its terms', () => {
    const excerpt = bestExcerpt(passage, 100, weights, NO_FOCUS, 100);
    expect(excerpt.marks.map((mark) => excerpt.text.slice(mark.start, mark.end))).toEqual([
      'Passports',
      'issued',
      'residents',
    ]);
    expect([...excerpt.terms].sort()).toEqual(['issu', 'passport', 'resid']);
    expect(excerpt.range).toEqual({ start: 100, end: 161 });
  });
});

describe('nestQuotes', () => {
  it('turns an excerpt’s own double quotation marks into single ones, one for one', () => {
    const excerpt = '"A person who received the vaccine," she said, “not a passport.”';
    const nested = nestQuotes(excerpt);
    expect(nested).toBe('‘A person who received the vaccine,’ she said, ‘not a passport.’');
    expect(nested).toHaveLength(excerpt.length);
  });
});

describe('describeMatches', () => {
  it('says which words the excerpt shows and which only the rest of the document has', () => {
    expect(
      describeMatches({
        matchedInExcerpt: ['doses'],
        matchedElsewhere: ['Bashkortostan'],
        notInDocument: [],
      }),
    ).toBe('in the excerpt: doses · elsewhere in the document: Bashkortostan');
    expect(
      describeMatches({ matchedInExcerpt: [], matchedElsewhere: ['Lavrov'], notInDocument: [] }),
    ).toBe('nothing in the excerpt · elsewhere in the document: Lavrov');
  });

  it('names the question words the document never uses', () => {
    expect(
      describeMatches({
        matchedInExcerpt: ['Russia', 'UK'],
        matchedElsewhere: [],
        notInDocument: ['ambassador'],
      }),
    ).toBe('in the excerpt: Russia, UK · not in the document: ambassador');
  });
});
