import {
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Answer, AnsweredAnswer } from '../src/core/types.ts';
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
  withSourcesNote,
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
    { corpus, logger, respond, guildId, scope, feedback },
  ) {
    logger.debug({ question }, 'ask');
    const answer = corpus.ask(question, { scope, limit: MAX_CITATIONS });
    // Recorded beside the reply, not before it: the member does not wait on the store.
    const noted = noteUnanswered(answer, { feedback, logger, guildId });
    // Recorded before the reply: its buttons name the record.
    const answerId = await recordAnswer(answer, { feedback, logger, guildId });
    await respond.reply(
      renderAnswer(answer, { ephemeral: hide ?? false, addressee: addressee?.id, answerId }),
    );
    await noted;
  },
  buttons: {
    // The page is in the custom id, and so is the answer's id, which names the passages it
    // cited: the member pages through those, after a restart too, whatever was added since.
    async [PAGE_ACTION]([page, answerId], interaction, context) {
      const { logger, respond, feedback } = context;
      logger.debug({ answerId, page }, 'ask page');
      const { answer, note } =
        answerId === undefined
          ? { answer: askAgain(interaction.message.content, context), note: undefined }
          : await recallAnswer(answerId, interaction.message.createdTimestamp, context);
      await respond.update({
        ...renderAnswerPage(answer, Number(page), {
          votes: await feedback?.counts(interaction.message.id),
          actions: answerActions(messageRows(interaction.message)),
          answerId,
        }),
        ...(note ? { content: withSourcesNote(interaction.message.content, note) } : {}),
      });
    },
    // 👍 / 👎: one vote per person, a second press of the same takes it back. The vote keeps the
    // passages the answer cited, from its record: nothing is searched again.
    async [VOTE_ACTION]([direction, answerId], interaction, { respond, guildId, feedback }) {
      if (!feedback) throw new UserError('Votes are not recorded on this Footnote.');
      const vote = direction === VOTE_UP ? 1 : direction === VOTE_DOWN ? -1 : undefined;
      if (vote === undefined)
        throw new UserError('I cannot read this answer any more: please ask again with /ask.');
      if (answerId === undefined) throw new UserError(ANSWER_WITHOUT_RECORD);
      const result = await feedback.vote({
        answerId,
        messageId: interaction.message.id,
        userId: interaction.user.id,
        vote,
        guildId,
      });
      if (!result)
        throw new UserError(missingAnswer(interaction.message.createdTimestamp, feedback));
      await respond.update({
        embeds: interaction.message.embeds.map((embed) => embed.toJSON()),
        components: redrawButtons(messageRows(interaction.message), { votes: result.counts }),
        allowedMentions: NO_MENTIONS,
      });
    },
  },
});

/** A vote on a message whose buttons name no answer: sent before answers were recorded. */
export const ANSWER_WITHOUT_RECORD =
  'This answer is older than the record of what it cited, so a vote could not say what it is ' +
  'about: please ask again with /ask and vote on the new answer.';

/** Buttons naming an answer the store does not hold (recording it failed, or it was lost). */
export const ANSWER_NOT_FOUND =
  'I no longer have the sources this answer cited: please ask again with /ask.';

/**
 * Buttons on an answer older than `FOOTNOTE_ANSWER_RETENTION_DAYS`: its record was deleted on
 * purpose, and the member is told so, with what to do.
 *
 * @example
 * answerExpired(90); // 'This answer is older than 90 days and its sources are no longer kept: …'
 */
export function answerExpired(days: number): string {
  const age = days === 1 ? '1 day' : `${days} days`;
  return `This answer is older than ${age} and its sources are no longer kept: please ask again with /ask.`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Why the buttons of a message sent at `sentAt` (ms) found no record of its answer: deleted for
 * its age when the message is about as old as the retention, otherwise lost (`ANSWER_NOT_FOUND`).
 * A day's grace, because the record can be older than the message: a Find sources answer
 * posted in the channel later carries the record made for the private reply.
 */
export function missingAnswer(
  sentAt: number,
  feedback: Pick<NonNullable<CommandContext['feedback']>, 'answerRetentionDays'> | undefined,
  now = Date.now(),
): string {
  const days = feedback?.answerRetentionDays ?? 0;
  return days > 0 && now - sentAt >= (days - 1) * DAY_MS ? answerExpired(days) : ANSWER_NOT_FOUND;
}

/**
 * Records an answer with citations (`Feedback.recordAnswer`) and returns its id, for its
 * buttons. Undefined for a no-answer, without a store, or when the store fails: the failure is
 * logged and the answer still sent, with buttons that page by asking again and a vote that
 * asks the member to ask again.
 */
export async function recordAnswer(
  answer: Answer,
  { feedback, logger, guildId }: Pick<CommandContext, 'feedback' | 'logger' | 'guildId'>,
): Promise<string | undefined> {
  if (answer.status !== 'answered' || !feedback) return undefined;
  try {
    return await feedback.recordAnswer({
      question: answer.question,
      passageIds: answer.citations.map((citation) => citation.passageId),
      guildId,
    });
  } catch (error) {
    logger.warn({ err: error }, 'could not record the answer');
    return undefined;
  }
}

/**
 * The answer recorded under `answerId`, cited again from the passages it kept (`recite`), and
 * how many of them are gone: `note` when some are. A UserError when the record (`missingAnswer`,
 * for the message sent at `sentAt`) or every passage is gone.
 */
export async function recallAnswer(
  answerId: string,
  sentAt: number,
  { corpus, scope, feedback }: Pick<CommandContext, 'corpus' | 'scope' | 'feedback'>,
): Promise<{ answer: AnsweredAnswer; note: { cited: number; shown: number } | undefined }> {
  const record = await feedback?.answer(answerId);
  if (!record) throw new UserError(missingAnswer(sentAt, feedback));
  const answer = corpus.recite(record.question, record.passageIds, { scope });
  if (answer.citations.length === 0)
    throw new UserError(
      'The documents this answer cited have all been removed since: please ask again with /ask.',
    );
  const cited = record.passageIds.length;
  const shown = answer.citations.length;
  return { answer, note: shown < cited ? { cited, shown } : undefined };
}

/**
 * A message sent before answers were recorded (its buttons name none): its question, read from
 * the message, asked again. Remove once such messages are gone.
 */
export function askAgain(
  content: string,
  { corpus, scope }: Pick<CommandContext, 'corpus' | 'scope'>,
): AnsweredAnswer {
  const question = questionFromContent(content);
  if (question === undefined)
    throw new UserError(
      'I cannot read the question of this answer any more: please ask again with /ask.',
    );
  const answer = corpus.ask(question, { scope, limit: MAX_CITATIONS });
  if (answer.status !== 'answered')
    throw new UserError('The sources have changed since this answer: please ask again with /ask.');
  return answer;
}

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
