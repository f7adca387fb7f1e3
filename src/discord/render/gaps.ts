import { MessageFlags } from 'discord.js';
import type { GapGroup } from '../../core/gaps.ts';
import { customId } from '../custom-id.ts';
import { DISCORD_LIMITS } from '../limits.ts';
import { codePointLength, escapeToFit } from '../text.ts';
import { buttonRow, NO_MENTIONS, type MessagePayload } from './payload.ts';
import { COMMAND_NAMES } from '../command-names.ts';

/** Custom id actions of the gaps list: "Add a document" per group, then "Paste a text". */
export const GAP_ACTIONS = { add: 'gapadd', paste: 'gaptext' } as const;

/** How many groups `/corpus gaps` lists: two rows of "Add a document" buttons. */
export const GAPS_SHOWN = 10;

/** How long an example wording may be, shrinking until the whole list fits one message. */
const EXAMPLE_BUDGETS = [200, 140, 100, 60] as const;

/**
 * `/corpus gaps`: the questions of the last `days` days that got no good answer or whose answer
 * was voted down, grouped when worded alike, most frequent first, each with how often, one
 * wording, and an "Add a document" button. Only the moderator sees it: members' questions are
 * quoted, escaped, and never link-previewed.
 *
 * @example
 * renderGaps(groupGaps(feedback.gaps(guildId)), { days: 30, now: new Date() });
 */
export function renderGaps(
  groups: readonly GapGroup[],
  { days }: { days: number },
): MessagePayload {
  const shown = groups.slice(0, GAPS_SHOWN);
  const flags = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds;
  if (shown.length === 0) {
    return {
      content:
        `No question went unanswered and no answer was voted down in the last ${days} days. ` +
        'They are listed here as they come in.',
      embeds: [],
      components: [],
      allowedMentions: NO_MENTIONS,
      flags,
    };
  }
  const head = `**Questions without a good answer, last ${days} days** (most frequent first)`;
  const foot =
    'Add a document that answers one with its button; asked again, the question is answered from it.';
  let lines: string[] = [];
  for (const budget of EXAMPLE_BUDGETS) {
    lines = [head, ...shown.map((group, index) => gapLine(group, index + 1, budget)), foot];
    if (codePointLength(lines.join('\n')) <= DISCORD_LIMITS.messageContent) break;
  }
  const buttons = shown.map((_, index) => ({
    customId: customId(COMMAND_NAMES.corpus, GAP_ACTIONS.add, String(index + 1)),
    label: `${index + 1}. Add a document`,
  }));
  const rows = [];
  for (let start = 0; start < buttons.length; start += DISCORD_LIMITS.buttonsPerRow)
    rows.push(buttonRow(buttons.slice(start, start + DISCORD_LIMITS.buttonsPerRow)));
  return {
    content: lines.join('\n'),
    embeds: [],
    components: rows.slice(0, DISCORD_LIMITS.actionRowsPerMessage),
    allowedMentions: NO_MENTIONS,
    flags,
  };
}

/**
 * What "Add a document" answers: the question to cover and the three ways to add a document,
 * with a button that opens the paste form at once.
 *
 * @example
 * renderGapAdd(group); // "To answer “how do I bake bread?” (asked 3 times), add a document …"
 */
export function renderGapAdd(group: GapGroup): MessagePayload {
  const asked = `asked ${times(group.count)}`;
  return {
    content: [
      `To answer “${escapeToFit(group.example, 300)}” (${asked}), add a document that covers it:`,
      '- `/corpus add-url`: a web page, or a PDF or text file at a web address',
      '- `/corpus add-file`: a file you attach',
      '- `/corpus add-text`: text you paste, or the button below',
      'Each shows you a preview first; nothing is added until you confirm.',
    ].join('\n'),
    embeds: [],
    components: [
      buttonRow([
        { customId: customId(COMMAND_NAMES.corpus, GAP_ACTIONS.paste), label: 'Paste a text' },
      ]),
    ],
    allowedMentions: NO_MENTIONS,
    flags: MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds,
  };
}

function gapLine(group: GapGroup, number: number, exampleBudget: number): string {
  const last = Date.parse(group.lastAt);
  const details = [
    group.wordings > 1 ? `${group.wordings} wordings` : undefined,
    group.downVotes > 0 ? `${group.downVotes} voted down` : undefined,
    Number.isNaN(last) ? undefined : `last <t:${Math.floor(last / 1000)}:R>`,
  ].filter(Boolean);
  const example = `“${escapeToFit(group.example, exampleBudget)}”`;
  return [`${number}. **${group.count}×** ${example}`, ...details].join(' · ');
}

function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}
