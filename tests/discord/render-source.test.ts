import { describe, expect, it } from 'vitest';
import type { DocumentMatch, DocumentSummary } from '../../src/core/types.ts';
import { DISCORD_LIMITS } from '../../src/discord/limits.ts';
import { documentChoices, renderSource } from '../../src/discord/render/source.ts';
import { codePointLength } from '../../src/discord/text.ts';
import { limitViolations } from './helpers.ts';
import { GLOBAL_SCOPE, guildScope } from '../../src/core/scope.ts';

const match = (overrides: Partial<DocumentMatch> = {}): DocumentMatch => ({
  documentId: 'bashkortostan-covid-passports',
  title: "Russian Region Becomes First to Introduce Covid-19 'Passports'",
  publishedAt: '2021-01-21',
  score: 1,
  ...overrides,
});

const summary: DocumentSummary = {
  id: 'bashkortostan-covid-passports',
  title: "Russian Region Becomes First to Introduce Covid-19 'Passports'",
  site: 'The Moscow Times',
  author: 'Leyla Latypova',
  publishedAt: '2021-01-21',
  url: 'https://www.themoscowtimes.com/2021/01/21/a72678',
  language: 'en',
  scope: GLOBAL_SCOPE,
  origin: 'shipped',
  summary: "Russia's republic of Bashkortostan will introduce Covid-19 passports from Feb. 5…",
  passageCount: 5,
  length: 2400,
  wordCount: 1234,
};

describe('documentChoices', () => {
  it('shows the title and year and sends the stable id', () => {
    expect(documentChoices([match()])).toEqual([
      {
        name: "Russian Region Becomes First to Introduce Covid-19 'Passports' (2021)",
        value: 'bashkortostan-covid-passports',
      },
    ]);
  });

  it('cuts long titles at a word boundary, keeping the year', () => {
    const long = match({
      title: `Foreign Minister Sergey Lavrov's remarks ${'and answers to media questions '.repeat(8)}`,
    });
    const [choice] = documentChoices([long]);
    expect(choice?.name).toBe(
      "Foreign Minister Sergey Lavrov's remarks and answers to media questions and answers to media… (2021)",
    );
    expect(codePointLength(choice!.name)).toBeLessThanOrEqual(DISCORD_LIMITS.choiceName);
  });

  it('offers at most 25 choices', () => {
    const many = Array.from({ length: 40 }, (_, index) => match({ documentId: `doc-${index}` }));
    expect(documentChoices(many)).toHaveLength(DISCORD_LIMITS.autocompleteChoices);
  });

  it('leaves out a document whose id would not fit a choice value, rather than cutting the id', () => {
    expect(
      documentChoices([match({ documentId: 'x'.repeat(101) }), match()]).map(
        (choice) => choice.value,
      ),
    ).toEqual(['bashkortostan-covid-passports']);
  });

  it('never sends an empty name', () => {
    expect(documentChoices([match({ title: '   ', publishedAt: undefined })])[0]?.name).toBe(
      'bashkortostan-covid-passports',
    );
  });
});

describe('renderSource', () => {
  const payload = renderSource(summary);
  const [embed] = payload.embeds;

  it('shows the metadata, a link and the opening', () => {
    expect(embed?.title).toBe(summary.title);
    expect(embed?.url).toBe(summary.url);
    expect(embed?.author?.name).toBe('The Moscow Times');
    expect(embed?.description).toBe(summary.summary);
    expect(embed?.fields).toEqual([
      { name: 'Published', value: '21 January 2021', inline: true },
      { name: 'Author', value: 'Leyla Latypova', inline: true },
      { name: 'Length', value: '1,234 words in 5 passages', inline: true },
      {
        name: 'Source',
        value: '[Open the original](https://www.themoscowtimes.com/2021/01/21/a72678)',
        inline: true,
      },
      { name: 'Origin', value: 'Shipped with Footnote', inline: true },
    ]);
    expect(embed?.footer?.text).toBe('id: bashkortostan-covid-passports · ask about it with /ask');
  });

  it('pings nobody and fits every limit', () => {
    expect(payload.allowedMentions).toEqual({ parse: [] });
    expect(limitViolations(payload)).toEqual([]);
  });

  it('says so when the source has no web address, and escapes what it quotes', () => {
    const [offline] = renderSource({
      ...summary,
      url: undefined,
      site: undefined,
      author: undefined,
      publishedAt: undefined,
      title: '# @everyone',
      summary: '||spoiler|| <@1>',
    }).embeds;
    expect(offline?.url).toBeUndefined();
    expect(offline?.title).toBe('\\# @\u200beveryone');
    expect(offline?.description).toBe('\\|\\|spoiler\\|\\| \\<@1>');
    expect(offline?.fields?.map((field) => field.value)).toEqual([
      'Undated',
      '1,234 words in 5 passages',
      'The source gives no web address.',
      'Shipped with Footnote',
    ]);
  });

  it('counts a one-passage document in the singular', () => {
    const [short] = renderSource({ ...summary, wordCount: 1, passageCount: 1 }).embeds;
    expect(short?.fields?.find((field) => field.name === 'Length')?.value).toBe(
      '1 word in 1 passage',
    );
  });

  it('says where the document came from, in words a server member reads', () => {
    const origin = (document: Pick<DocumentSummary, 'origin' | 'scope'>) =>
      renderSource({ ...summary, ...document }).embeds[0]?.fields?.find(
        (field) => field.name === 'Origin',
      )?.value;
    expect(origin({ origin: 'shipped', scope: GLOBAL_SCOPE })).toBe('Shipped with Footnote');
    expect(origin({ origin: 'operator', scope: GLOBAL_SCOPE })).toBe(
      'Added by the operator, for every server',
    );
    expect(origin({ origin: 'operator', scope: guildScope('41771983423143937') })).toBe(
      'Added by the operator, for this server',
    );
    expect(origin({ origin: 'server', scope: guildScope('41771983423143937') })).toBe(
      'Added in this server',
    );
  });

  it('fits every limit with extreme metadata', () => {
    const extreme = renderSource({
      ...summary,
      title: '*'.repeat(3000),
      site: 'S'.repeat(3000),
      author: '_'.repeat(3000),
      summary: '<@1> '.repeat(3000),
      url: `https://example.org/${'p'.repeat(2000)}`,
      id: 'i'.repeat(3000),
    });
    expect(limitViolations(extreme)).toEqual([]);
  });
});
