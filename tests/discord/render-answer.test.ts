import { ButtonStyle, MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Answer, Citation, NoAnswer } from '../../src/core/types.ts';
import { DISCORD_LIMITS } from '../../src/discord/limits.ts';
import {
  answerActions,
  answerIdOf,
  CITATIONS_PER_PAGE,
  messageUrl,
  QUESTION_MAX_LENGTH,
  questionFromContent,
  redrawButtons,
  renderAnswer,
  renderAnswerPage,
  withSourcesNote,
} from '../../src/discord/render/answer.ts';
import type { MessagePayload } from '../../src/discord/render/payload.ts';
import { answered, citation, limitViolations } from './helpers.ts';

const noAnswer: NoAnswer = {
  status: 'no-answer',
  question: 'How do I bake sourdough bread?',
  reason: 'No document mentions “bake”, “sourdough” or “bread”.',
  missingTerms: ['bake', 'sourdough', 'bread'],
  suggestions: [
    { documentId: 'a', title: 'Russian Region Becomes First to Introduce Covid-19 Passports' },
    { documentId: 'b', title: '**Loud** title @everyone' },
  ],
};

describe('renderAnswer: a citation', () => {
  const payload = renderAnswer(answered([citation()]));
  const [embed] = payload.embeds;

  it('links the title to the source, without a preview (embeds do not unfurl)', () => {
    expect(embed?.title).toBe("Russian Region Becomes First to Introduce Covid-19 'Passports'");
    expect(embed?.url).toBe('https://www.themoscowtimes.com/2021/01/21/russian-region-a72678');
    // Only a link in the message's content would get a preview; the source's is in the embed.
    expect(payload.content).not.toMatch(/https?:\/\//u);
  });

  it('names the site, author and date', () => {
    expect(embed?.author?.name).toBe('The Moscow Times · Leyla Latypova · 21 January 2021');
  });

  it('quotes the excerpt with the matched words in bold', () => {
    expect(embed?.description).toContain(
      '“**Bashkortostan** will introduce Covid-19 passports from Feb. 5.”',
    );
  });

  it('links to the exact passage with a text fragment', () => {
    expect(embed?.description).toContain(
      '[Open at this passage](https://www.themoscowtimes.com/2021/01/21/russian-region-a72678#:~:text=Bashkortostan%20will%20introduce%20Covid%2D19%20passports%20from%20Feb.%205) · passage 1 of 5',
    );
  });

  it('percent-encodes the comma, ampersand and dash of the quote, which the fragment syntax reserves', () => {
    const [quoted] = renderAnswer(
      answered([citation({ excerpt: 'Tests, masks & Covid-19 rules.', marks: [] })]),
    ).embeds;
    expect(quoted?.description).toContain('#:~:text=Tests%2C%20masks%20%26%20Covid%2D19%20rules)');
  });

  it('says "passage N of M" for a source without a web address', () => {
    const [offline] = renderAnswer(
      answered([citation({ url: undefined, ordinal: 3, passageCount: 12 })]),
    ).embeds;
    expect(offline?.url).toBeUndefined();
    expect(offline?.description).toContain('Passage 3 of 12 · the source gives no web address');
    expect(offline?.description).not.toContain('](');
  });

  it('does not link a source whose address is not http(s)', () => {
    const [unsafe] = renderAnswer(answered([citation({ url: 'javascript:alert(1)' })])).embeds;
    expect(unsafe?.url).toBeUndefined();
    expect(unsafe?.description).not.toContain('javascript');
  });

  it('shows what matched in the excerpt apart from what matched elsewhere in the document', () => {
    const [matched] = renderAnswer(
      answered([
        citation({
          matchedTerms: ['region', 'Covid-19', 'passports'],
          matchedInExcerpt: ['region', 'Covid-19'],
          matchedElsewhere: ['passports'],
        }),
      ]),
    ).embeds;
    expect(matched?.description).toMatch(
      /\nMatched in the excerpt: region, Covid-19 · elsewhere in the document: passports$/u,
    );
  });

  it('names the question words the cited document never uses', () => {
    const [cited] = renderAnswer(
      answered([
        citation({
          matchedTerms: ['Bashkortostan'],
          matchedInExcerpt: ['Bashkortostan'],
          notInDocument: ['booster'],
        }),
      ]),
    ).embeds;
    expect(cited?.description).toMatch(
      /\nMatched in the excerpt: Bashkortostan · not in the document: booster$/u,
    );
  });

  it('says under the question which of its words no source uses', () => {
    const { content } = renderAnswer({ ...answered([citation()]), unknownWords: ['booster'] });
    expect(content?.split('\n').at(-1)).toBe('-# Not in any source: booster');
  });

  it('adds no such line when the sources use every word', () => {
    expect(renderAnswer(answered([citation()])).content).not.toContain('Not in any source');
  });

  it('shows an excerpt that opens a quotation without doubled quotation marks', () => {
    const excerpt = '"A person who received the vaccine," she said.';
    const [quoted] = renderAnswer(answered([citation({ excerpt, marks: [] })])).embeds;
    expect(quoted?.description).toMatch(/^“‘A person who received the vaccine,’ she said\.”/u);
  });

  it('says "undated" when the source gives no date', () => {
    const [undated] = renderAnswer(
      answered([citation({ publishedAt: undefined, author: undefined })]),
    ).embeds;
    expect(undated?.author?.name).toBe('The Moscow Times · undated');
  });
});

describe('renderAnswer: the message', () => {
  it('puts the question on top, escaped, and pings nobody', () => {
    const payload = renderAnswer(answered([citation()], 'Is **this** <@1> @everyone?'));
    expect(payload.content).toBe('**Q:** Is \\*\\*this\\*\\* \\<@1> @\u200beveryone?');
    expect(payload.allowedMentions).toEqual({ parse: [] });
    expect(payload.flags).toBeUndefined();
  });

  it('addresses the answer to a member, the only mention allowed to ping', () => {
    const payload = renderAnswer(answered([citation()]), { addressee: '123456789012345678' });
    expect(payload.content).toMatch(
      /^<@123456789012345678>, here's what the sources say\.\n\*\*Q:\*\* /u,
    );
    expect(payload.allowedMentions).toEqual({ parse: [], users: ['123456789012345678'] });
  });

  it('ignores an addressee that is not a user id', () => {
    const payload = renderAnswer(answered([citation()]), { addressee: '@everyone' });
    expect(payload.allowedMentions).toEqual({ parse: [] });
    expect(payload.content).not.toContain('everyone');
  });

  it('is ephemeral when hidden', () => {
    expect(renderAnswer(answered([citation()]), { ephemeral: true }).flags).toBe(
      MessageFlags.Ephemeral,
    );
  });

  it('shows one page of citations with a button for the next', () => {
    const many = answered(
      Array.from({ length: 7 }, (_, index) => citation({ ordinal: index + 1 })),
    );
    const payload = renderAnswer(many);
    expect(payload.embeds).toHaveLength(CITATIONS_PER_PAGE);
    expect(
      payload.components[0]?.components.map((button) => [button.custom_id, button.label]),
    ).toEqual([['ask:page:2', 'More sources (4–6 of 7)']]);
  });

  it('pages through the rest, with a way back', () => {
    const many = answered(
      Array.from({ length: 7 }, (_, index) => citation({ ordinal: index + 1 })),
    );
    const middle = renderAnswerPage(many, 2);
    expect(middle.embeds.map((embed) => embed.footer?.text)).toEqual([
      'Source 4 of 7 · bashkortostan-covid-passports',
      'Source 5 of 7 · bashkortostan-covid-passports',
      'Source 6 of 7 · bashkortostan-covid-passports',
    ]);
    expect(middle.components[0]?.components.map((button) => button.custom_id)).toEqual([
      'ask:page:1',
      'ask:page:3',
    ]);
    const last = renderAnswerPage(many, 3);
    expect(last.embeds).toHaveLength(1);
    expect(last.components[0]?.components.map((button) => button.custom_id)).toEqual([
      'ask:page:2',
    ]);
  });

  it('shows the nearest page for a page that no longer exists', () => {
    const two = answered([citation(), citation()]);
    expect(renderAnswerPage(two, 9).embeds).toHaveLength(2);
    expect(renderAnswerPage(two, Number.NaN).embeds).toHaveLength(2);
    // One page: no pager, only the votes.
    expect(renderAnswerPage(two, 1).components).toHaveLength(1);
    expect(renderAnswerPage(two, 1).components[0]?.components[0]?.custom_id).toBe('ask:vote:up');
  });
});

describe('renderAnswer: 👍 / 👎 and the buttons around them', () => {
  const many = answered(Array.from({ length: 7 }, (_, index) => citation({ ordinal: index + 1 })));
  const post = {
    customId: 'Find sources:post:1:2:3',
    label: 'Post in channel',
    style: ButtonStyle.Primary as const,
  };
  const ids = (payload: { components: MessagePayload['components'] }) =>
    payload.components.map((row) => row.components.map((button) => button.custom_id));
  const label = (payload: { components: MessagePayload['components'] }) =>
    Object.fromEntries(
      payload.components.flatMap((row) =>
        row.components.map((button) => [button.custom_id, button.label]),
      ),
    );

  it('puts the votes in a row of their own, under the pager, with no count before any vote', () => {
    const payload = renderAnswer(many);
    expect(ids(payload)).toEqual([['ask:page:2'], ['ask:vote:up', 'ask:vote:down']]);
    expect(label(payload)).toMatchObject({ 'ask:vote:up': '👍', 'ask:vote:down': '👎' });
  });

  it('shows the counts on the buttons', () => {
    const payload = renderAnswerPage(many, 2, { votes: { up: 3, down: 1 } });
    expect(label(payload)).toMatchObject({ 'ask:vote:up': '👍 3', 'ask:vote:down': '👎 1' });
  });

  it('adds actions after the votes, at most three, and keeps within the limits', () => {
    const actions = Array.from({ length: 5 }, (_, index) => ({
      customId: `x:act:${index}`,
      label: 'x'.repeat(DISCORD_LIMITS.buttonLabel),
    }));
    const payload = renderAnswer(many, { actions, votes: { up: 1e9, down: 0 } });
    expect(ids(payload)[1]).toEqual([
      'ask:vote:up',
      'ask:vote:down',
      'x:act:0',
      'x:act:1',
      'x:act:2',
    ]);
    expect(limitViolations(payload)).toEqual([]);
  });

  it("ends the paging and vote buttons with the answer's id, which names its cited passages", () => {
    const payload = renderAnswerPage(many, 2, { answerId: 'q3Xk9_2bTz0a' });
    expect(ids(payload)).toEqual([
      ['ask:page:1:q3Xk9_2bTz0a', 'ask:page:3:q3Xk9_2bTz0a'],
      ['ask:vote:up:q3Xk9_2bTz0a', 'ask:vote:down:q3Xk9_2bTz0a'],
    ]);
    const rows = JSON.parse(JSON.stringify(payload.components));
    expect(answerIdOf(rows)).toBe('q3Xk9_2bTz0a');
    expect(label({ components: redrawButtons(rows, { votes: { up: 1, down: 2 } }) })).toMatchObject(
      { 'ask:vote:up:q3Xk9_2bTz0a': '👍 1', 'ask:vote:down:q3Xk9_2bTz0a': '👎 2' },
    );
  });

  it('finds no answer id on buttons that carry none', () => {
    expect(answerIdOf(JSON.parse(JSON.stringify(renderAnswer(many).components)))).toBeUndefined();
  });

  it('gives no votes to a no-answer: there is nothing to judge', () => {
    expect(ids(renderAnswer(noAnswer)).flat()).not.toContain('ask:vote:up');
  });

  it('redraws the counts and keeps every other button, as the message had them (API JSON)', () => {
    const rows = JSON.parse(JSON.stringify(renderAnswer(many, { actions: [post] }).components));
    const redrawn = redrawButtons(rows, { votes: { up: 2, down: 0 } });
    expect(ids({ components: redrawn })).toEqual([
      ['ask:page:2'],
      ['ask:vote:up', 'ask:vote:down', post.customId],
    ]);
    expect(label({ components: redrawn })).toMatchObject({ 'ask:vote:up': '👍 2' });
    expect(answerActions(rows)).toEqual([{ ...post, style: ButtonStyle.Primary }]);
  });

  it('drops one button on request, and rows left empty', () => {
    const rows = [{ type: 1, components: [{ type: 2, custom_id: 'a:b', label: 'A', style: 2 }] }];
    expect(redrawButtons(rows, { without: 'a:b' })).toEqual([]);
    // Anything that is not a button row with custom ids is not ours to redraw.
    expect(redrawButtons([null, { type: 17 }, { type: 1, components: [{ type: 3 }] }], {})).toEqual(
      [],
    );
  });
});

describe('renderAnswer: Find sources', () => {
  const link = messageUrl('81384788765712384', '81384788765712385', '81384788765712390');

  it('builds the link that "Copy Message Link" makes, with @me outside a server', () => {
    expect(link).toBe(
      'https://discord.com/channels/81384788765712384/81384788765712385/81384788765712390',
    );
    expect(messageUrl(undefined, '1', '2')).toBe('https://discord.com/channels/@me/1/2');
  });

  it('links the message it answers and names its author without a ping, above the question', () => {
    const payload = renderAnswer(answered([citation()], 'qr codes?'), {
      answering: { url: link, authorId: '80351110224678912' },
    });
    expect(payload.content).toBe(
      `Sources for [this message](<${link}>) by <@80351110224678912>:\n**Q:** qr codes?`,
    );
    expect(payload.allowedMentions).toEqual({ parse: [] });
    expect(questionFromContent(payload.content)).toBe('qr codes?');
  });

  it('does the same for a no-answer, and never links anything but a Discord message', () => {
    const payload = renderAnswer(noAnswer, {
      answering: { url: 'https://evil.example/x)', authorId: '@everyone' },
    });
    expect(payload.content).toMatch(/^Sources for a message:\n\*\*Q:\*\* How do I bake/u);
  });

  it('fits a longest question with its header in one message', () => {
    const question = '*'.repeat(QUESTION_MAX_LENGTH);
    const payload = renderAnswer(answered([citation()], question), {
      answering: { url: link, authorId: '80351110224678912' },
    });
    expect(limitViolations(payload)).toEqual([]);
    expect(questionFromContent(payload.content)).toBe(question);
  });
});

describe('renderAnswer: no good answer', () => {
  const payload = renderAnswer(noAnswer);

  it('is a plain message that says so, with the reason and the closest documents', () => {
    expect(payload.embeds).toEqual([]);
    expect(payload.content).toBe(
      [
        '**Q:** How do I bake sourdough bread?',
        'The sources have no good answer to this.',
        'No document mentions “bake”, “sourdough” or “bread”.',
        'The closest documents:',
        '1. Russian Region Becomes First to Introduce Covid-19 Passports',
        '2. \\*\\*Loud\\*\\* title @\u200beveryone',
        'Open one with the buttons below, or ask with other words.',
      ].join('\n'),
    );
  });

  it('offers each closest document as a button that opens it', () => {
    const buttons = (payload.components[0]?.components ?? []) as Array<{
      custom_id: string;
      label: string;
    }>;
    expect(buttons.map((button) => button.custom_id)).toEqual(
      noAnswer.suggestions.map((suggestion) => `source:open:${suggestion.documentId}`),
    );
    expect(buttons[0]?.label).toBe(
      '1. Russian Region Becomes First to Introduce Covid-19 Passports',
    );
  });

  it('suppresses link previews and pings nobody', () => {
    expect(payload.flags).toBe(MessageFlags.SuppressEmbeds);
    expect(payload.allowedMentions).toEqual({ parse: [] });
  });

  it('addresses the member when asked for one, and stays private when hidden', () => {
    const addressed = renderAnswer(noAnswer, { addressee: '42', ephemeral: true });
    expect(addressed.content).toContain('<@42>, the sources have no good answer to this.');
    expect(addressed.allowedMentions).toEqual({ parse: [], users: ['42'] });
    expect(addressed.flags).toBe(MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds);
  });

  it('omits the list when nothing comes close', () => {
    expect(renderAnswer({ ...noAnswer, suggestions: [] }).content).not.toContain('closest');
  });
});

describe('withSourcesNote', () => {
  it('says how many cited passages were removed, under the question', () => {
    expect(withSourcesNote('**Q:** QR codes', { cited: 9, shown: 7 })).toBe(
      '**Q:** QR codes\n-# Sources changed: 2 of the 9 passages this answer cited were removed since; the other 7 are shown.',
    );
    expect(withSourcesNote('**Q:** QR codes', { cited: 2, shown: 1 })).toBe(
      '**Q:** QR codes\n-# Sources changed: 1 of the 2 passages this answer cited was removed since; the other one is shown.',
    );
  });

  it('replaces the note it wrote before, and leaves the content alone when nothing was removed', () => {
    const noted = withSourcesNote('**Q:** QR codes', { cited: 9, shown: 7 });
    expect(withSourcesNote(noted, { cited: 9, shown: 6 })).toBe(
      '**Q:** QR codes\n-# Sources changed: 3 of the 9 passages this answer cited were removed since; the other 6 are shown.',
    );
    expect(withSourcesNote(noted, { cited: 9, shown: 9 })).toBe('**Q:** QR codes');
  });
});

describe('questionFromContent', () => {
  it.each([
    'Which Russian region first introduced Covid-19 passports?',
    'Is **this** <@1> @everyone ||a|| `b` # c?',
    '- starts like a list',
  ])('reads back the question of %j', (question) => {
    expect(questionFromContent(renderAnswer(answered([citation()], question)).content)).toBe(
      question,
    );
    expect(
      questionFromContent(
        renderAnswer(answered([citation()], question), { addressee: '7' }).content,
      ),
    ).toBe(question);
  });

  it('returns undefined for a message it did not write', () => {
    expect(questionFromContent('Pong!')).toBeUndefined();
    expect(questionFromContent(undefined)).toBeUndefined();
  });
});

/** A small deterministic PRNG, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'word',
  ' ',
  ' ',
  '**',
  '__',
  '||',
  '`',
  '```',
  '> ',
  '\n# ',
  '\n-# ',
  '@everyone',
  '@here',
  '<@123>',
  '<#9>',
  '<:e:1>',
  '[x](https://e.x)',
  '💉',
  'é',
  '\\',
  '-',
  ',',
  '&',
  '(',
  ')',
  'Covid-19',
  '\n',
  '“',
  '…',
];

function text(next: () => number, maxPieces: number): string {
  const count = Math.floor(next() * maxPieces);
  let result = '';
  for (let index = 0; index < count; index += 1)
    result += PIECES[Math.floor(next() * PIECES.length)]!;
  return result;
}

function extremeCitation(next: () => number): Citation {
  const excerpt = text(next, next() < 0.2 ? 3000 : 200);
  const marks = Array.from({ length: Math.floor(next() * 30) }, () => {
    const start = Math.floor(next() * (excerpt.length + 10)) - 5;
    return { start, end: start + Math.floor(next() * 40) };
  });
  const urls = [
    undefined,
    'https://example.org/a_(b)',
    'http://e.x/' + 'p'.repeat(500),
    'ftp://no',
    'not a url',
  ];
  return citation({
    title: text(next, next() < 0.2 ? 400 : 20),
    site: next() < 0.5 ? text(next, 200) : undefined,
    author: next() < 0.5 ? text(next, 200) : undefined,
    publishedAt: next() < 0.5 ? '2021-11-10' : undefined,
    url: urls[Math.floor(next() * urls.length)],
    excerpt,
    marks,
    matchedTerms: Array.from({ length: Math.floor(next() * 60) }, () => text(next, 10)),
    ordinal: Math.floor(next() * 1000),
    passageCount: Math.floor(next() * 1000),
    documentId: 'd'.repeat(1 + Math.floor(next() * 150)),
  });
}

describe('renderAnswer within every Discord limit', () => {
  it('holds for 300 answers with extreme lengths, markdown and mentions', () => {
    const next = random(20210121);
    for (let round = 0; round < 300; round += 1) {
      const question = text(next, next() < 0.1 ? 2000 : QUESTION_MAX_LENGTH / 6);
      const answer: Answer =
        next() < 0.2
          ? {
              ...noAnswer,
              question,
              reason: text(next, 600),
              suggestions: Array.from({ length: Math.floor(next() * 8) }, () => ({
                documentId: 'x',
                title: text(next, 300),
              })),
            }
          : answered(
              Array.from({ length: 1 + Math.floor(next() * 12) }, () => extremeCitation(next)),
              question,
            );
      const view = {
        page: Math.floor(next() * 5),
        ephemeral: next() < 0.5,
        ...(next() < 0.3 ? { addressee: '42' } : {}),
      };
      const payload = renderAnswer(answer, view);
      const context = `round ${round}`;
      expect(limitViolations(payload), context).toEqual([]);
      const visible = [
        payload.content ?? '',
        ...payload.embeds.flatMap((embed) => [embed.title ?? '', embed.description ?? '']),
      ].join('\n');
      expect(visible, context).not.toMatch(/@(everyone|here)/u);
      expect(visible.replace('<@42>', ''), context).not.toMatch(/(^|[^\\])<[@#:]/u);
      if (answer.status === 'answered') {
        expect(payload.embeds.length, context).toBeLessThanOrEqual(CITATIONS_PER_PAGE);
        expect(payload.embeds.length, context).toBeGreaterThan(0);
        const page = 1 + Math.floor(next() * 5);
        expect(
          limitViolations({ ...renderAnswerPage(answer, page), content: 'x' }),
          context,
        ).toEqual([]);
      }
      expect(payload.content?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.messageContent * 2);
    }
  });
});

describe('dates and staleness', () => {
  it('marks a stale citation as possibly outdated, with its age, next to its date', () => {
    const payload = renderAnswer(answered([citation({ stale: true, ageDays: 1800 })]));
    expect(payload.embeds[0]?.author?.name).toBe(
      'The Moscow Times · Leyla Latypova · 21 January 2021 · possibly outdated (over 4 years old)',
    );
  });

  it('shows the date alone for a recent citation', () => {
    const payload = renderAnswer(answered([citation({ stale: false, ageDays: 30 })]));
    expect(payload.embeds[0]?.author?.name).toBe(
      'The Moscow Times · Leyla Latypova · 21 January 2021',
    );
  });
});
