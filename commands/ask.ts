import {
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Answer } from '../src/core/types.ts';
import { UserError } from '../src/core/errors.ts';
import { defineCommand, type CommandContext } from '../src/discord/command.ts';
import {
  answerActions,
  MAX_CITATIONS,
  messageRows,
  PAGE_ACTION,
  QUESTION_MAX_LENGTH,
  questionFromContent,
  redrawButtons,
  renderAnswer,
  renderAnswerPage,
  VOTE_ACTION,
  VOTE_DOWN,
  VOTE_UP,
} from '../src/discord/render/answer.ts';
import { NO_MENTIONS } from '../src/discord/render/payload.ts';
import { COMMAND_NAMES } from '../src/discord/command-names.ts';

export const data = {
  name: COMMAND_NAMES.ask,
  description: 'Ask a question: I answer with quoted, linked passages from the sources.',
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'question',
      description: 'What you want to know, in your own words',
      required: true,
      max_length: QUESTION_MAX_LENGTH,
    },
    {
      type: ApplicationCommandOptionType.Boolean,
      name: 'hide',
      description: 'Only you see the answer (default: everyone in the channel)',
    },
    {
      type: ApplicationCommandOptionType.User,
      name: 'for',
      description: 'Address the answer to this member; they are the only one notified',
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default defineCommand({
  data,
  isPrivate: (args) => args.hide ?? false,
  async execute(
    { question, hide, for: addressee },
    _interaction,
    { library, logger, respond, guildId, feedback },
  ) {
    logger.debug({ question }, 'ask');
    const answer = library.ask(question, { guildId, limit: MAX_CITATIONS });
    // Recorded beside the reply, not before it: the member does not wait on the store.
    const noted = noteUnanswered(answer, { feedback, logger, guildId });
    await respond.reply(
      renderAnswer(answer, { ephemeral: hide ?? false, addressee: addressee?.id }),
    );
    await noted;
  },
  buttons: {
    // State lives in the custom id (the page) and the message (the question), so the buttons
    // keep working after a restart: the question is asked again.
    async [PAGE_ACTION]([page], interaction, { library, logger, respond, guildId, feedback }) {
      const question = questionFromContent(interaction.message.content);
      if (question === undefined)
        throw new UserError(
          'I cannot read the question of this answer any more: please ask again with /ask.',
        );
      logger.debug({ question, page }, 'ask page');
      const answer = library.ask(question, { guildId, limit: MAX_CITATIONS });
      if (answer.status !== 'answered')
        throw new UserError(
          'The sources have changed since this answer: please ask again with /ask.',
        );
      await respond.update(
        renderAnswerPage(answer, Number(page), {
          votes: await feedback?.counts(interaction.message.id),
          actions: answerActions(messageRows(interaction.message)),
        }),
      );
    },
    // 👍 / 👎: one vote per person, a second press of the same takes it back. The question is
    // read from the message and asked again, to store which passages were cited.
    async [VOTE_ACTION]([direction], interaction, { library, respond, guildId, feedback }) {
      if (!feedback) throw new UserError('Votes are not recorded on this Footnote.');
      const vote = direction === VOTE_UP ? 1 : direction === VOTE_DOWN ? -1 : undefined;
      const question = questionFromContent(interaction.message.content);
      if (vote === undefined || question === undefined)
        throw new UserError('I cannot read this answer any more: please ask again with /ask.');
      const answer = library.ask(question, { guildId, limit: MAX_CITATIONS });
      const { counts } = await feedback.vote({
        messageId: interaction.message.id,
        userId: interaction.user.id,
        vote,
        question,
        passageIds:
          answer.status === 'answered'
            ? answer.citations.map((citation) => citation.passageId)
            : [],
        guildId,
      });
      await respond.update({
        embeds: interaction.message.embeds.map((embed) => embed.toJSON()),
        components: redrawButtons(messageRows(interaction.message), { votes: counts }),
        allowedMentions: NO_MENTIONS,
      });
    },
  },
});

/**
 * Puts a question of a server that got no good answer on the gaps list (`/corpus gaps`). A
 * failure to record it is logged, never shown: the member still gets their answer.
 */
export async function noteUnanswered(
  answer: Answer,
  { feedback, logger, guildId }: Pick<CommandContext, 'feedback' | 'logger' | 'guildId'>,
): Promise<void> {
  if (answer.status !== 'no-answer' || !feedback || guildId === undefined) return;
  try {
    await feedback.recordNoAnswer({ guildId, question: answer.question });
  } catch (error) {
    logger.warn({ err: error }, 'could not record an unanswered question');
  }
}
