import { describe, expect, it } from 'vitest';
import { gapKey, groupGaps, type GapEntry } from '../../src/core/gaps.ts';

/** A no-answer for `question`, keyed as the store keys it, `day` days into January 2025. */
function gap(question: string, day = 1, kind: GapEntry['kind'] = 'no-answer'): GapEntry {
  const at = new Date(Date.UTC(2025, 0, day)).toISOString();
  return { question, normalized: gapKey(question), kind, at };
}

describe('gapKey: what questions worded alike share', () => {
  it.each([
    ['How do I bake bread?', 'bake bread'],
    ['Bread: how to bake it', 'bake bread'],
    ['HOW DO I BAKE BREAD', 'bake bread'],
    ['What did Germany decide about vaccine passports?', 'decid germani passport vaccin'],
    // Nothing but stop words: the text itself, so such questions do not all become one.
    ['What is it?', 'what is it?'],
  ])('%s → %s', (question, key) => {
    expect(gapKey(question)).toBe(key);
  });
});

describe('groupGaps', () => {
  it('counts the same question asked twice as one gap', () => {
    expect(groupGaps([gap('How do I bake bread?', 1), gap('how do i bake  bread?', 2)])).toEqual([
      {
        count: 2,
        downVotes: 0,
        // Same wording up to case and spaces: the latest spelling is shown.
        example: 'how do i bake bread?',
        wordings: 1,
        lastAt: '2025-01-02T00:00:00.000Z',
      },
    ]);
  });

  it('groups other wordings of the same words, and near ones (2 of 3 terms shared)', () => {
    const [group, ...rest] = groupGaps([
      gap('How do I bake bread?', 1),
      gap('Bread: how to bake it', 2),
      gap('how to bake sourdough bread', 3),
    ]);
    expect(rest).toEqual([]);
    expect(group).toMatchObject({ count: 3, wordings: 3 });
  });

  it('keeps questions apart that differ in a name, however alike the rest', () => {
    const groups = groupGaps([
      gap('What did Germany decide about vaccine passports?'),
      gap('What did France decide about vaccine passports?'),
    ]);
    expect(groups.map((group) => group.count)).toEqual([1, 1]);
  });

  it('does not chain: a group joins the largest group it resembles, compared with that seed', () => {
    const groups = groupGaps([
      gap('bake bread', 1),
      gap('bake bread', 2),
      gap('bake bread sourdough', 3), // 2/3 like the seed: joins it
      gap('bread sourdough starter', 4), // 1/4 like the seed: alone, though 2/3 like the one above
    ]);
    expect(groups.map((group) => [group.count, group.example])).toEqual([
      [3, 'bake bread'],
      [1, 'bread sourdough starter'],
    ]);
  });

  it('lists the most frequent first, the most recent first on a tie, at most `limit`', () => {
    const groups = groupGaps(
      [
        gap('Is the ferry running?', 5),
        gap('Where is the corpus?', 2),
        gap('Where is the corpus?', 3),
        gap('When does the pool open?', 9),
        gap('Who won the match?', 1),
      ],
      3,
    );
    // The corpus twice first; then the pool (day 9) before the ferry (day 5); the match is cut.
    expect(groups.map((group) => group.example)).toEqual([
      'Where is the corpus?',
      'When does the pool open?',
      'Is the ferry running?',
    ]);
  });

  it('shows the most frequent wording of a group, and counts the answers voted down', () => {
    const [group] = groupGaps([
      gap('how to bake sourdough bread', 1),
      gap('How do I bake bread?', 2),
      gap('How do I bake bread?', 3, 'down-vote'),
    ]);
    expect(group).toMatchObject({ count: 3, downVotes: 1, example: 'How do I bake bread?' });
  });

  it('returns nothing for nothing', () => {
    expect(groupGaps([])).toEqual([]);
  });
});
