import {
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { UserError } from '../src/core/errors.ts';
import { defineCommand } from '../src/discord/command.ts';
import {
  MAX_CITATIONS,
  PAGE_ACTION,
  QUESTION_MAX_LENGTH,
  questionFromContent,
  renderAnswer,
  renderAnswerPage,
} from '../src/discord/render/answer.ts';

export const data = {
  name: 'ask',
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
    { library, logger, respond, guildId },
  ) {
    logger.debug({ question }, 'ask');
    const answer = library.ask(question, { guildId, limit: MAX_CITATIONS });
    await respond.reply(
      renderAnswer(answer, { ephemeral: hide ?? false, addressee: addressee?.id }),
    );
  },
  buttons: {
    // State lives in the custom id (the page) and the message (the question), so the buttons
    // keep working after a restart: the question is asked again.
    async [PAGE_ACTION]([page], interaction, { library, logger, respond, guildId }) {
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
      await respond.update(renderAnswerPage(answer, Number(page)));
    },
  },
});
