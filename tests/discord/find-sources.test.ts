import { describe, expect, it } from 'vitest';
import { questionFromMessage } from '../../commands/find-sources.ts';
import { QUESTION_MAX_LENGTH } from '../../src/discord/render/answer.ts';
import { codePointLength } from '../../src/discord/text.ts';

describe('questionFromMessage: what Find sources asks', () => {
  it.each([
    ['Which region had QR codes first?', 'Which region had QR codes first?'],
    // Mentions (@everyone and @here too), channels, roles, custom emoji, timestamps, command
    // mentions and links are no words.
    [
      '<@80351110224678912> <@!1> <@&2> <#3> which region <:thinking:4> had QR codes first? <t:1700000000:R> </ask:5> https://example.org/a?b',
      'which region had QR codes first?',
    ],
    ['  line one\n\n  line two  ', 'line one line two'],
    ['**bold** @everyone @here', '**bold**'],
  ])('%j → %j', (content, question) => {
    expect(questionFromMessage(content)).toBe(question);
  });

  it.each([[''], ['   '], ['<@80351110224678912>'], ['https://example.org'], ['?!']])(
    'has nothing to ask in %j',
    (content) => {
      expect(questionFromMessage(content)).toBeUndefined();
    },
  );

  it('cuts a long message at a word, to what /ask accepts', () => {
    const question = questionFromMessage('passports '.repeat(100))!;
    expect(codePointLength(question)).toBeLessThanOrEqual(QUESTION_MAX_LENGTH);
    expect(question).toMatch(/passports…$/u);
  });
});
