import { MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { GapGroup } from '../../src/core/gaps.ts';
import { GAPS_SHOWN, renderGapAdd, renderGaps } from '../../src/discord/render/gaps.ts';
import { limitViolations } from './helpers.ts';

function group(overrides: Partial<GapGroup> = {}): GapGroup {
  return {
    count: 2,
    downVotes: 0,
    example: 'how to bake sourdough bread',
    wordings: 2,
    lastAt: '2025-01-02T03:04:05.000Z',
    ...overrides,
  };
}

const PRIVATE = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds;

describe('renderGaps', () => {
  it('lists each group with its count, one wording and when it was last asked, privately', () => {
    const payload = renderGaps(
      [group(), group({ count: 1, wordings: 1, downVotes: 1, example: 'Is **Lavrov** right?' })],
      { days: 30 },
    );
    expect(payload.content).toBe(
      [
        '**Questions without a good answer, last 30 days** (most frequent first)',
        '1. **2×** “how to bake sourdough bread” · 2 wordings · last <t:1735787045:R>',
        '2. **1×** “Is \\*\\*Lavrov\\*\\* right?” · 1 voted down · last <t:1735787045:R>',
        'Add a document that answers one with its button; asked again, the question is answered from it.',
      ].join('\n'),
    );
    expect(payload.flags).toBe(PRIVATE);
    expect(
      payload.components.map((row) => row.components.map((b) => [b.custom_id, b.label])),
    ).toEqual([
      [
        ['corpus:gapadd:1', '1. Add a document'],
        ['corpus:gapadd:2', '2. Add a document'],
      ],
    ]);
  });

  it(`shows at most ${GAPS_SHOWN}, five buttons a row, within every limit however long the questions`, () => {
    const groups = Array.from({ length: 14 }, (_, index) =>
      group({ count: 100 - index, example: `${'@everyone <@1> ||spoiler|| '.repeat(40)}${index}` }),
    );
    const payload = renderGaps(groups, { days: 30 });
    expect(limitViolations(payload)).toEqual([]);
    expect(payload.components.map((row) => row.components.length)).toEqual([5, 5]);
    expect(payload.content?.split('\n')).toHaveLength(GAPS_SHOWN + 2);
    expect(payload.content).not.toMatch(/@everyone|(?<!\\)<@1>|(?<!\\)\|\|/u);
  });

  it('says when there is nothing to list', () => {
    const payload = renderGaps([], { days: 30 });
    expect(payload.content).toMatch(/^No question went unanswered/u);
    expect(payload.components).toEqual([]);
    expect(limitViolations(payload)).toEqual([]);
  });
});

describe('renderGapAdd', () => {
  it('names the question and the three ways to add a document, with the paste form a click away', () => {
    const payload = renderGapAdd(group({ count: 3, example: 'bake *bread*' }));
    expect(payload.content?.split('\n')[0]).toBe(
      'To answer “bake \\*bread\\*” (asked 3 times), add a document that covers it:',
    );
    expect(payload.content).toContain('`/corpus add-url`');
    expect(payload.content).toContain('`/corpus add-file`');
    expect(payload.content).toContain('`/corpus add-text`');
    expect(payload.components[0]?.components[0]?.custom_id).toBe('corpus:gaptext');
    expect(payload.flags).toBe(PRIVATE);
    expect(limitViolations(payload)).toEqual([]);
  });
});
