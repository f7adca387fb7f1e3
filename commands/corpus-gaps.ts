import {
  ApplicationCommandOptionType,
  type APIApplicationCommandSubcommandOption,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { UserError } from '../src/core/errors.ts';
import { groupGaps, type GapGroup } from '../src/core/gaps.ts';
import type { ButtonHandler, CommandContext } from '../src/discord/command.ts';
import { addTextModal } from '../src/discord/render/corpus.ts';
import { GAP_ACTIONS, GAPS_SHOWN, renderGapAdd, renderGaps } from '../src/discord/render/gaps.ts';
import { GAP_WINDOW_DAYS } from '../src/store/feedback.ts';

/** `/corpus gaps`: a subcommand of /corpus, so only moderators (its guard) see the list. */
export const gapsSubcommand = {
  type: ApplicationCommandOptionType.Subcommand,
  name: 'gaps',
  description: `Questions the documents did not answer well in the last ${GAP_WINDOW_DAYS} days, most asked first`,
} as const satisfies APIApplicationCommandSubcommandOption;

/** The most frequent gaps of the server, grouped when worded alike. */
async function gapsOf(
  interaction: { guildId: string | null },
  { feedback }: Pick<CommandContext, 'feedback'>,
): Promise<GapGroup[]> {
  if (!feedback) throw new UserError('This Footnote keeps no record of unanswered questions.');
  if (!interaction.guildId) throw new UserError('The gaps list is kept per server.');
  return groupGaps(await feedback.gaps(interaction.guildId), GAPS_SHOWN);
}

/** Lists the gaps privately, each with an "Add a document" button. */
export async function executeGaps(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
): Promise<void> {
  await context.respond.reply(
    renderGaps(await gapsOf(interaction, context), { days: GAP_WINDOW_DAYS }),
  );
}

/**
 * The gaps list's buttons, for /corpus's `buttons`. "Add a document" lists the ways to add one
 * for that question (the list is computed again: it is numbered as shown unless new gaps came in
 * meanwhile); "Paste a text" opens /corpus add-text's form.
 */
export const gapsButtons: Readonly<Record<string, ButtonHandler>> = {
  async [GAP_ACTIONS.add]([number], interaction, context) {
    const group = (await gapsOf(interaction, context))[Number(number) - 1];
    if (!group) throw new UserError('That question is no longer listed: run /corpus gaps again.');
    await context.respond.reply(renderGapAdd(group));
  },
  async [GAP_ACTIONS.paste](_args, _interaction, context) {
    await context.respond.showModal(addTextModal());
  },
};
