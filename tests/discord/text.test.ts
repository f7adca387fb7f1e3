import { describe, expect, it } from 'vitest';
import {
  boldMarks,
  codePointLength,
  escapeMarkdown,
  escapeToFit,
  markdownLink,
  unescapeMarkdown,
} from '../../src/discord/text.ts';
import { count, truncate } from '../../src/core/text.ts';

describe('truncate', () => {
  it('leaves text within the limit alone', () => {
    expect(truncate('Covid-19 passports', 18)).toBe('Covid-19 passports');
  });

  it('cuts at the last word boundary and adds an ellipsis', () => {
    expect(truncate('Russian Region Becomes First to Introduce Covid-19 Passports', 30)).toBe(
      'Russian Region Becomes First…',
    );
  });

  it('counts code points, not UTF-16 units', () => {
    const emoji = '💉'.repeat(10); // 20 UTF-16 units
    expect(truncate(emoji, 10)).toBe(emoji);
    expect(truncate(emoji, 5)).toBe('💉💉💉💉…');
    expect(codePointLength(truncate(emoji, 5))).toBe(5);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate(`a${'💉'.repeat(50)}`, 10);
    expect(cut).toBe(`a${'💉'.repeat(8)}…`);
    expect(/[\uD800-\uDFFF]/u.test(cut)).toBe(false);
  });

  it('cuts a word that is longer than half the room rather than losing most of the text', () => {
    expect(truncate(`short ${'x'.repeat(40)}`, 20)).toBe(`short ${'x'.repeat(13)}…`);
  });

  it('drops punctuation left dangling before the ellipsis', () => {
    expect(truncate('Masks, tests, passports and more', 15)).toBe('Masks, tests…');
  });

  it('handles limits smaller than the ellipsis', () => {
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', 1)).toBe('…');
  });

  it('keeps a prefix of the text, whatever the limit', () => {
    const text =
      'Bashkortostan will introduce 💉 Covid-19 passports from Feb. 5, the governor said.';
    for (let max = 1; max <= codePointLength(text); max += 1) {
      const cut = truncate(text, max);
      expect(codePointLength(cut)).toBeLessThanOrEqual(max);
      if (cut !== text) expect(text.startsWith(cut.slice(0, -1))).toBe(true);
    }
  });
});

describe('count', () => {
  it('puts the unit in the plural unless the number is one', () => {
    expect([0, 1, 2].map((value) => count(value, 'passage'))).toEqual([
      '0 passages',
      '1 passage',
      '2 passages',
    ]);
  });

  it('groups thousands as readers expect', () => {
    expect(count(12500, 'word')).toBe('12,500 words');
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['bold and italics', '**bold** *it* _it_', '\\*\\*bold\\*\\* \\*it\\* \\_it\\_'],
    ['underline and strikethrough', '__u__ ~~s~~', '\\_\\_u\\_\\_ \\~\\~s\\~\\~'],
    ['spoilers', '||secret||', '\\|\\|secret\\|\\|'],
    ['code', '`x` ```js```', '\\`x\\` \\`\\`\\`js\\`\\`\\`'],
    ['masked links', '[click](https://evil.example)', '\\[click\\](https://evil.example)'],
    ['user, role and channel mentions', '<@123> <@&456> <#789>', '\\<@123> \\<@&456> \\<#789>'],
    ['custom emoji and timestamps', '<:pog:123> <t:0:R>', '\\<:pog:123> \\<t:0:R>'],
    ['@everyone and @here', '@everyone @here', '@\u200beveryone @\u200bhere'],
    ['headings at line start', '# Big\n## Bigger', '\\# Big\n\\## Bigger'],
    ['subtext at line start', '-# small', '\\-# small'],
    ['quotes at line start', '> quoted\n>>> block', '\\> quoted\n\\>>> block'],
    ['lists at line start', '- item\n+ item\n1. item', '\\- item\n\\+ item\n1\\. item'],
    ['backslashes', 'C:\\path', 'C:\\\\path'],
  ])('neutralises %s', (_, input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('leaves line-start signs in mid-line alone', () => {
    expect(escapeMarkdown('Covid-19 #1 > 2')).toBe('Covid-19 #1 > 2');
  });

  it('is reversed exactly by unescapeMarkdown', () => {
    const samples = [
      'plain',
      '**Q:** *a* _b_ ~c~ `d` ||e|| [f](g) <@1> @everyone @here',
      '# h\n-# s\n> q\n- l\n12. n\n\\ back \\\\ slashes \\*',
      'ünïcödé 💉 “quotes”',
    ];
    for (const sample of samples) expect(unescapeMarkdown(escapeMarkdown(sample))).toBe(sample);
  });
});

describe('escapeToFit', () => {
  it('cuts before escaping, so no lone backslash is left at the end', () => {
    const fitted = escapeToFit('*'.repeat(300), 256);
    expect(codePointLength(fitted)).toBeLessThanOrEqual(256);
    expect(fitted).toMatch(/^(\\\*)+…$/u);
  });
});

describe('boldMarks', () => {
  const text = 'Bashkortostan will introduce Covid-19 passports';

  it('bolds each marked range and escapes the rest', () => {
    expect(boldMarks('a *b* c', [{ start: 0, end: 1 }])).toBe('**a** \\*b\\* c');
  });

  it('joins marks split by a hyphen into one bold word', () => {
    expect(
      boldMarks(text, [
        { start: 29, end: 34 },
        { start: 35, end: 37 },
      ]),
    ).toBe('Bashkortostan will introduce **Covid-19** passports');
  });

  it('merges overlapping and adjacent marks, which would not render apart', () => {
    expect(
      boldMarks('abcdef', [
        { start: 0, end: 3 },
        { start: 3, end: 6 },
      ]),
    ).toBe('**abcdef**');
    expect(
      boldMarks('abcdef', [
        { start: 0, end: 4 },
        { start: 2, end: 5 },
      ]),
    ).toBe('**abcde**f');
  });

  it('keeps whitespace outside the asterisks', () => {
    expect(boldMarks('a word here', [{ start: 1, end: 7 }])).toBe('a **word** here');
  });

  it('ignores empty and out-of-range marks', () => {
    expect(
      boldMarks('abc', [
        { start: 2, end: 2 },
        { start: 5, end: 9 },
      ]),
    ).toBe('abc');
  });

  it('widens a mark that would split a surrogate pair', () => {
    expect(boldMarks('a💉b', [{ start: 1, end: 2 }])).toBe('a**💉**b');
  });

  it('escapes markdown inside a mark', () => {
    expect(boldMarks('x||y||', [{ start: 1, end: 6 }])).toBe('x**\\|\\|y\\|\\|**');
  });
});

describe('markdownLink', () => {
  it('percent-encodes parentheses, which would end the link early', () => {
    expect(markdownLink('Open [here]', 'https://example.org/a_(b)#:~:text=x')).toBe(
      '[Open \\[here\\]](https://example.org/a_%28b%29#:~:text=x)',
    );
  });
});
