import {
  ApplicationCommandType,
  ButtonStyle,
  type Message,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import { UserError } from '../src/core/errors.ts';
import { defineMessageCommand } from '../src/discord/command.ts';
import { customId } from '../src/discord/custom-id.ts';
import {
  answerIdOf,
  MAX_CITATIONS,
  messageRows,
  messageUrl,
  QUESTION_MAX_LENGTH,
  redrawButtons,
  renderAnswer,
  withSourcesNote,
  type ButtonSpec,
} from '../src/discord/render/answer.ts';
import { NO_MENTIONS } from '../src/discord/render/payload.ts';
import { truncate } from '../src/core/text.ts';
import { askAgain, noteUnanswered, recallAnswer, recordAnswer } from './ask.ts';

export const data = {
  type: ApplicationCommandType.Message,
  name: 'Find sources',
} as const satisfies RESTPostAPIContextMenuApplicationCommandsJSONBody;

/** The custom id action of "Post in channel" (`Find sources:post:<channel>:<message>:<author>`). */
export const POST_ACTION = 'post';

/** What an image-only (or embed-only) message gets. */
export const NO_TEXT =
  'That message has no words to look up: Find sources reads the text of a message, not its ' +
  'images, files or embeds. Ask with /ask instead.';

/**
 * The question in a message's text: mentions (@everyone and @here too), custom emoji, timestamps
 * and links taken out (no source could contain them, and an unknown word weighs the most), spaces
 * collapsed, cut at a word boundary to what `/ask` accepts. Undefined when no word is left.
 *
 * @example
 * questionFromMessage('<@80351110224678912> which region had QR codes first? https://example.org');
 * // "which region had QR codes first?"
 */
export function questionFromMessage(content: string): string | undefined {
  const text = content
    .replace(/<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|<t:-?\d+(?::\w)?>|<\/[^<>]+:\d+>/gu, ' ')
    .replace(/@(?:everyone|here)\b/gu, ' ')
    .replace(/https?:\/\/\S+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return undefined;
  return truncate(text, QUESTION_MAX_LENGTH);
}

/**
 * Right-click a message → Apps → Find sources: answers the message's text as a question, first
 * only to whoever asked, with "Post in channel" to share it. Private first because the person
 * answering someone else's question wants to see that the sources do answer it before the
 * channel does; a context menu has no option to ask for either. The reply quotes the question
 * and links the message; its author is named but never pinged.
 */
export default defineMessageCommand({
  data,
  description:
    "Answers a message's text as a question, first only to you, with a button to post the " +
    'answer in the channel, quoting and linking the message.',
  async execute(message, _interaction, { corpus, logger, respond, guildId, scope, feedback }) {
    const question = questionFromMessage(message.content);
    if (question === undefined) throw new UserError(NO_TEXT);
    logger.debug({ question }, 'find sources');
    const answer = corpus.ask(question, { scope, limit: MAX_CITATIONS });
    // Recorded beside the reply, not before it: the member does not wait on the store.
    const noted = noteUnanswered(answer, { feedback, logger, guildId });
    const answerId = await recordAnswer(answer, { feedback, logger, guildId });
    await respond.reply(
      renderAnswer(answer, {
        ephemeral: true,
        answering: answeringOf(guildId, message),
        actions: answer.status === 'answered' ? [postButton(message)] : [],
        answerId,
      }),
    );
    await noted;
  },
  buttons: {
    // Posts the answer the private reply's buttons name (its cited passages, nothing searched
    // again), after taking the button off the private reply so it cannot post twice.
    async [POST_ACTION]([channelId, messageId, authorId], interaction, ctx) {
      const { respond, guildId } = ctx;
      if (!channelId || !messageId)
        throw new UserError('I cannot read this answer any more: run Find sources again.');
      const answerId = answerIdOf(messageRows(interaction.message));
      const { answer, note } =
        answerId === undefined
          ? { answer: askAgain(interaction.message.content, ctx), note: undefined }
          : await recallAnswer(answerId, interaction.message.createdTimestamp, ctx);
      await respond.update({
        embeds: interaction.message.embeds.map((embed) => embed.toJSON()),
        components: redrawButtons(messageRows(interaction.message), {
          without: interaction.customId,
        }),
        allowedMentions: NO_MENTIONS,
      });
      const posted = renderAnswer(answer, {
        answering: { url: messageUrl(guildId, channelId, messageId), authorId },
        answerId,
      });
      await respond.reply(
        note ? { ...posted, content: withSourcesNote(posted.content ?? '', note) } : posted,
      );
    },
  },
});

function answeringOf(guildId: string | undefined, message: Message) {
  return { url: messageUrl(guildId, message.channelId, message.id), authorId: message.author.id };
}

function postButton(message: Message): ButtonSpec {
  return {
    customId: customId(data.name, POST_ACTION, message.channelId, message.id, message.author.id),
    label: 'Post in channel',
    style: ButtonStyle.Primary,
  };
}
