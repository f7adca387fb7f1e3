import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
} from 'discord.js';
import { describeMatches, nestQuotes } from '../../core/excerpt.ts';
import { textFragmentUrl } from '../../core/links.ts';
import type { AnsweredAnswer, Answer, Citation, NoAnswer, TextRange } from '../../core/types.ts';
import type { VoteCounts } from '../../store/feedback.ts';
import { customId, parseCustomId } from '../custom-id.ts';
import { DISCORD_LIMITS } from '../limits.ts';
import {
  boldMarks,
  codePointLength,
  escapeToFit,
  isWebUrl,
  markdownLink,
  renderToFit,
  unescapeMarkdown,
} from '../text.ts';
import { truncate } from '../../core/text.ts';
import { formatDate } from '../../core/dates.ts';
import {
  buttonRow,
  embedLength,
  NO_MENTIONS,
  type AllowedMentions,
  type MessagePayload,
  type UpdatePayload,
} from './payload.ts';
import { COMMAND_NAMES } from '../command-names.ts';

/** Three citations keep a reply readable on a phone; the rest are a button away. */
export const CITATIONS_PER_PAGE = 3;
/** The most citations `/ask` asks the core for: three pages. */
export const MAX_CITATIONS = 9;
/** The `/ask question:` option's `max_length`: long enough for any real question, short enough to quote whole. */
export const QUESTION_MAX_LENGTH = 300;
/**
 * The custom id action of the paging buttons: `ask:page:<n>:<answer id>` (`ask:page:<n>` on
 * messages sent before answers were recorded, or when recording failed).
 */
export const PAGE_ACTION = 'page';
/** The custom id action of the feedback buttons: `ask:vote:up:<answer id>`, `ask:vote:down:…`. */
export const VOTE_ACTION = 'vote';
export const VOTE_UP = 'up';
export const VOTE_DOWN = 'down';

/** A button as `buttonRow` takes it. */
export type ButtonSpec = Parameters<typeof buttonRow>[0][number];

const QUESTION_PREFIX = '**Q:** ';
const EMBED_COLOR = 0x3b6ea5;
/** Excerpts are at most a few hundred characters; this only bites on pathological input. */
const EXCERPT_BUDGETS = [1500, 1000, 600, 300, 120] as const;

export interface AnswerView {
  /** 1-based page of citations to show. Out-of-range pages show the nearest one. */
  page?: number;
  /** Only the person asking sees the reply. */
  ephemeral?: boolean;
  /** The member the answer is addressed to: named at the top and the only one pinged. */
  addressee?: string;
  /**
   * The id the answer was recorded under (`Feedback.recordAnswer`), carried by the paging and
   * vote buttons so they find its cited passages. Without one the buttons carry none.
   */
  answerId?: string | undefined;
  /** The votes so far, shown on the 👍 / 👎 buttons (default: none yet). */
  votes?: VoteCounts;
  /** Buttons after 👍 / 👎, such as Find sources' "Post in channel" (at most three). */
  actions?: readonly ButtonSpec[];
  /** Find sources: the message this answers, linked at the top, its author named without a ping. */
  answering?: AnsweredMessage;
}

export interface AnsweredMessage {
  /** `https://discord.com/channels/<server or @me>/<channel>/<message>`. */
  url: string;
  authorId?: string | undefined;
}

/**
 * `/ask`'s reply: each citation as an embed (title linked to the source, site and date, the
 * excerpt with matched words in bold, a link to the exact passage where the source has a web
 * address, what matched), a page of `CITATIONS_PER_PAGE` at a time with buttons for the others;
 * or, when the corpus has no good answer, a plain message that says why and names the
 * closest documents. Every text is escaped and cut to Discord's limits.
 *
 * @example
 * const payload = renderAnswer(corpus.ask('Which region introduced Covid-19 passports first?'));
 * await interaction.reply(payload);
 */
export function renderAnswer(answer: Answer, view: AnswerView = {}): MessagePayload {
  const addressee =
    view.addressee !== undefined && /^\d+$/u.test(view.addressee) ? view.addressee : undefined;
  const allowedMentions: AllowedMentions = addressee
    ? { parse: [], users: [addressee] }
    : NO_MENTIONS;
  const ephemeralFlag = view.ephemeral ? MessageFlags.Ephemeral : 0;
  const lead = view.answering ? answeringLine(view.answering) : '';
  if (answer.status === 'no-answer') {
    return {
      content: lead + renderNoAnswer(answer, addressee, codePointLength(lead)),
      embeds: [],
      components: suggestionButtons(answer),
      allowedMentions,
      // Titles could hold a URL; a link preview would outweigh the answer.
      flags: ephemeralFlag | MessageFlags.SuppressEmbeds,
    };
  }
  const header = lead + (addressee ? `<@${addressee}>, here's what the sources say.\n` : '');
  const unmatched = unmatchedNote(answer);
  return {
    content:
      header +
      questionLine(
        answer.question,
        DISCORD_LIMITS.messageContent - codePointLength(header) - codePointLength(unmatched),
      ) +
      unmatched,
    ...renderAnswerPage(answer, view.page ?? 1, view),
    allowedMentions,
    ...(ephemeralFlag ? { flags: ephemeralFlag } : {}),
  };
}

/**
 * One page of an answer's citations with its paging buttons, then 👍 / 👎 with their counts and
 * any `actions`: what a paging button puts in place of the message's embeds and buttons. The
 * content (question, addressee) stays as it was.
 *
 * @example
 * await interaction.update(renderAnswerPage(answer, 2, { votes: feedback.counts(messageId) }));
 */
export function renderAnswerPage(
  answer: AnsweredAnswer,
  page: number,
  extras: Pick<AnswerView, 'votes' | 'actions' | 'answerId'> = {},
): UpdatePayload {
  const pages = Math.max(1, Math.ceil(answer.citations.length / CITATIONS_PER_PAGE));
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const first = (current - 1) * CITATIONS_PER_PAGE;
  const shown = answer.citations.slice(first, first + CITATIONS_PER_PAGE);
  const total = answer.citations.length;
  return {
    embeds: fitEmbeds(
      shown.map((citation, index) => ({ citation, number: first + index + 1 })),
      total,
    ),
    components: [
      ...(pages > 1 ? [pagerRow(current, pages, total, extras.answerId)] : []),
      feedbackRow(extras.votes, extras.actions, extras.answerId),
    ],
    allowedMentions: NO_MENTIONS,
  };
}

/**
 * An answer message's buttons redrawn: new counts on 👍 / 👎, the button `without` names gone,
 * everything else as it was. What a vote (or Find sources' "Post in channel") puts in place of
 * the message's buttons. `rows` are the message's components as Discord sends them (API JSON,
 * see `messageRows`); anything that is not a button with a custom id is dropped.
 *
 * @example
 * redrawButtons(messageRows(interaction.message), { votes: { up: 3, down: 1 } });
 */
export function redrawButtons(
  rows: readonly unknown[],
  change: { votes?: VoteCounts | undefined; without?: string | undefined },
): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const { votes } = change;
  const label = (button: ButtonSpec): string => {
    const direction = votes && voteDirection(button.customId);
    if (direction === VOTE_UP) return voteLabel('👍', votes!.up);
    if (direction === VOTE_DOWN) return voteLabel('👎', votes!.down);
    return button.label;
  };
  return readButtonRows(rows)
    .map((row) =>
      row
        .filter((button) => button.customId !== change.without)
        .map((button) => ({ ...button, label: label(button) })),
    )
    .filter((row) => row.length > 0)
    .map((row) => buttonRow(row));
}

/** `up` or `down` for a vote button's custom id, with or without its answer id. */
function voteDirection(id: string): string | undefined {
  const parsed = parseCustomId(id);
  return parsed?.command === COMMAND_NAMES.ask && parsed.action === VOTE_ACTION
    ? parsed.args[0]
    : undefined;
}

/**
 * The answer id the buttons of an answer message carry (`ask:vote:up:<answer id>`), for buttons
 * that act on the answer as a whole (Find sources' "Post in channel"); undefined on a message
 * sent without one.
 *
 * @example
 * answerIdOf(messageRows(interaction.message)); // "q3Xk9_2bTz0a"
 */
export function answerIdOf(rows: readonly unknown[]): string | undefined {
  for (const button of readButtonRows(rows).flat()) {
    if (voteDirection(button.customId) !== undefined)
      return parseCustomId(button.customId)?.args[1];
  }
  return undefined;
}

/**
 * A discord.js message's components as API JSON, for `redrawButtons` and `answerActions`.
 *
 * @example
 * answerActions(messageRows(interaction.message));
 */
export function messageRows(message: {
  readonly components: ReadonlyArray<{ toJSON(): unknown }>;
}): unknown[] {
  return message.components.map((component) => component.toJSON());
}

/**
 * The buttons of an answer message that are neither paging nor votes (Find sources' "Post in
 * channel"): what a paging button keeps when it redraws the others.
 *
 * @example
 * renderAnswerPage(answer, 2, { votes, actions: answerActions(rows) });
 */
export function answerActions(rows: readonly unknown[]): ButtonSpec[] {
  const own = [PAGE_ACTION, VOTE_ACTION].map((action) => `${COMMAND_NAMES.ask}:${action}:`);
  return readButtonRows(rows)
    .flat()
    .filter((button) => !own.some((prefix) => button.customId.startsWith(prefix)));
}

/** Buttons with custom ids, row by row, read from a message's components (API JSON). */
function readButtonRows(rows: readonly unknown[]): ButtonSpec[][] {
  return rows.flatMap((row) => {
    if (!isRecord(row) || row['type'] !== ComponentType.ActionRow) return [];
    const components = Array.isArray(row['components']) ? row['components'] : [];
    return [
      components.flatMap((component: unknown) => {
        if (!isRecord(component) || component['type'] !== ComponentType.Button) return [];
        const id = component['custom_id'];
        if (typeof id !== 'string') return [];
        const label = typeof component['label'] === 'string' ? component['label'] : '';
        const style = component['style'];
        return [
          {
            customId: id,
            label,
            ...(typeof style === 'number' ? { style: style } : {}),
          },
        ];
      }),
    ];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** 👍 / 👎 with the counts so far, then up to three other buttons. */
function feedbackRow(
  votes: VoteCounts = { up: 0, down: 0 },
  actions: readonly ButtonSpec[] = [],
  answerId?: string,
): APIActionRowComponent<APIButtonComponentWithCustomId> {
  return buttonRow([
    {
      customId: answerButtonId(VOTE_ACTION, VOTE_UP, answerId),
      label: voteLabel('👍', votes.up),
    },
    {
      customId: answerButtonId(VOTE_ACTION, VOTE_DOWN, answerId),
      label: voteLabel('👎', votes.down),
    },
    ...actions.slice(0, DISCORD_LIMITS.buttonsPerRow - 2),
  ]);
}

/** `ask:<action>:<arg>:<answer id>`, or `ask:<action>:<arg>` for an answer without an id. */
function answerButtonId(action: string, arg: string, answerId: string | undefined): string {
  return answerId === undefined
    ? customId(COMMAND_NAMES.ask, action, arg)
    : customId(COMMAND_NAMES.ask, action, arg, answerId);
}

function voteLabel(emoji: string, count: number): string {
  return count > 0 ? `${emoji} ${count}` : emoji;
}

/** "Sources for this message by @author:", linking the message; the mention pings nobody. */
function answeringLine({ url, authorId }: AnsweredMessage): string {
  const link = isDiscordMessageUrl(url) ? `[this message](<${url}>)` : 'a message';
  const by = authorId !== undefined && /^\d+$/u.test(authorId) ? ` by <@${authorId}>` : '';
  return `Sources for ${link}${by}:\n`;
}

function isDiscordMessageUrl(url: string): boolean {
  return /^https:\/\/discord\.com\/channels\/(?:\d+|@me)\/\d+\/\d+$/u.test(url);
}

/**
 * The link to a message, as Discord's "Copy Message Link" writes it.
 *
 * @example
 * messageUrl('81384788765712384', '81384788765712385', '81384788765712390');
 * // "https://discord.com/channels/81384788765712384/81384788765712385/81384788765712390"
 */
export function messageUrl(
  guildId: string | undefined,
  channelId: string,
  messageId: string,
): string {
  return `https://discord.com/channels/${guildId ?? '@me'}/${channelId}/${messageId}`;
}

/**
 * The question an answer message was written for, read back from its content; undefined when
 * the message is not one `renderAnswer` wrote.
 *
 * @example
 * questionFromContent(renderAnswer(answer).content); // answer.question
 */
export function questionFromContent(content: string | undefined): string | undefined {
  const line = content?.split('\n').find((candidate) => candidate.startsWith(QUESTION_PREFIX));
  if (line === undefined) return undefined;
  const question = unescapeMarkdown(line.slice(QUESTION_PREFIX.length)).trim();
  return question === '' ? undefined : question;
}

const SOURCES_NOTE = '-# Sources changed: ';

/**
 * An answer message's content with a line saying how many of its cited passages are gone (their
 * documents were removed since), in place of any such line before; as it was when none are.
 *
 * @example
 * withSourcesNote('**Q:** QR codes', { cited: 9, shown: 7 });
 * // "**Q:** QR codes\n-# Sources changed: 2 of the 9 passages this answer cited were removed since; the other 7 are shown."
 */
export function withSourcesNote(
  content: string,
  { cited, shown }: { cited: number; shown: number },
): string {
  const kept = content
    .split('\n')
    .filter((line) => !line.startsWith(SOURCES_NOTE))
    .join('\n');
  const removed = cited - shown;
  if (removed <= 0) return kept;
  const note =
    `${SOURCES_NOTE}${removed} of the ${cited} passages this answer cited ` +
    `${removed === 1 ? 'was' : 'were'} removed since; ` +
    `${shown === 1 ? 'the other one is' : `the other ${shown} are`} shown.`;
  const noted = `${kept}\n${note}`;
  return codePointLength(noted) <= DISCORD_LIMITS.messageContent ? noted : kept;
}

/** A line under the question naming its words no source uses; empty when there are none. */
function unmatchedNote(answer: AnsweredAnswer): string {
  const words = answer.unknownWords ?? [];
  return words.length === 0 ? '' : `\n-# Not in any source: ${escapeToFit(words.join(', '), 300)}`;
}

function questionLine(question: string, room: number): string {
  const oneLine = question.replace(/\s+/gu, ' ').trim();
  return QUESTION_PREFIX + escapeToFit(oneLine, room - codePointLength(QUESTION_PREFIX));
}

function renderNoAnswer(answer: NoAnswer, addressee: string | undefined, reserved = 0): string {
  const lines = [
    addressee
      ? `<@${addressee}>, the sources have no good answer to this.`
      : 'The sources have no good answer to this.',
    escapeToFit(answer.reason, 600),
  ];
  if (answer.suggestions.length > 0) {
    lines.push('The closest documents:');
    answer.suggestions
      .slice(0, 5)
      .forEach((suggestion, index) =>
        lines.push(`${index + 1}. ${escapeToFit(suggestion.title, 200)}`),
      );
    lines.push('Open one with the buttons below, or ask with other words.');
  }
  const body = lines.join('\n');
  const room = DISCORD_LIMITS.messageContent - reserved - codePointLength(body) - 1;
  return `${questionLine(answer.question, room)}\n${body}`;
}

/** The custom id action that opens a suggested document (`source:open:<document id>`). */
export const OPEN_SOURCE_ACTION = 'open';

/**
 * "Did you mean": one button per suggested document, opening it as `/source` would. A document
 * whose id cannot fit a custom id gets no button; its title is still listed in the text.
 */
function suggestionButtons(answer: NoAnswer) {
  const seen = new Set<string>();
  const buttons = answer.suggestions.flatMap((suggestion, index) => {
    if (seen.has(suggestion.documentId)) return []; // custom ids must be unique in a message
    seen.add(suggestion.documentId);
    const fits =
      `${COMMAND_NAMES.source}:${OPEN_SOURCE_ACTION}:${suggestion.documentId}`.length <=
        DISCORD_LIMITS.customId && !suggestion.documentId.includes(':');
    if (!fits) return [];
    return [
      {
        customId: customId(COMMAND_NAMES.source, OPEN_SOURCE_ACTION, suggestion.documentId),
        label: truncate(`${index + 1}. ${suggestion.title}`, DISCORD_LIMITS.buttonLabel),
      },
    ];
  });
  return buttons.length > 0 ? [buttonRow(buttons)] : [];
}

function pagerRow(current: number, pages: number, total: number, answerId: string | undefined) {
  const buttons: Parameters<typeof buttonRow>[0][number][] = [];
  if (current > 1) {
    buttons.push({
      customId: answerButtonId(PAGE_ACTION, String(current - 1), answerId),
      label: '‹ Previous',
    });
  }
  if (current < pages) {
    const from = current * CITATIONS_PER_PAGE + 1;
    const to = Math.min(total, from + CITATIONS_PER_PAGE - 1);
    const range = from === to ? `${from}` : `${from}–${to}`;
    buttons.push({
      customId: answerButtonId(PAGE_ACTION, String(current + 1), answerId),
      label: truncate(`More sources (${range} of ${total})`, DISCORD_LIMITS.buttonLabel),
      style: ButtonStyle.Primary,
    });
  }
  return buttonRow(buttons);
}

/** Citation embeds that fit the 6000-character total: excerpts shrink until they do. */
function fitEmbeds(
  citations: ReadonlyArray<{ citation: Citation; number: number }>,
  total: number,
): APIEmbed[] {
  const shown = citations.slice(0, DISCORD_LIMITS.embedsPerMessage);
  for (const budget of EXCERPT_BUDGETS) {
    const embeds = shown.map(({ citation, number }) =>
      citationEmbed(citation, number, total, budget),
    );
    if (embeds.reduce((sum, embed) => sum + embedLength(embed), 0) <= DISCORD_LIMITS.embedTotal)
      return embeds;
  }
  // Only reachable with absurd titles: keep the first citation, which always fits on its own.
  return shown
    .slice(0, 1)
    .map(({ citation, number }) => citationEmbed(citation, number, total, EXCERPT_BUDGETS.at(-1)!));
}

function citationEmbed(
  citation: Citation,
  number: number,
  total: number,
  excerptBudget: number,
): APIEmbed {
  const url = isWebUrl(citation.url) ? citation.url : undefined;
  const passage = `passage ${citation.ordinal} of ${citation.passageCount}`;
  const where = url
    ? `${markdownLink('Open at this passage', textFragmentUrl(url, citation.excerpt))} · ${passage}`
    : `${capitalize(passage)} · the source gives no web address`;
  const matched =
    citation.matchedInExcerpt.length + citation.matchedElsewhere.length > 0
      ? `Matched ${escapeToFit(describeMatches(citation), 300)}`
      : 'Matched: the passage as a whole';
  const tail = `\n\n${where}\n${matched}`;
  const room = Math.min(excerptBudget, DISCORD_LIMITS.embedDescription - codePointLength(tail) - 2);
  const description = `“${excerptMarkdown(nestQuotes(citation.excerpt), citation.marks, room)}”${tail}`;
  const sourceLine = [
    citation.site,
    citation.author,
    formatDate(citation.publishedAt) ?? 'undated',
    citation.stale ? `possibly outdated (${yearsAgo(citation.ageDays)})` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    // Author names and footers show text as it is: no markdown to escape there.
    author: { name: truncate(sourceLine, DISCORD_LIMITS.embedAuthorName) },
    title: escapeToFit(citation.title, DISCORD_LIMITS.embedTitle) || 'Untitled',
    ...(url ? { url } : {}),
    description,
    footer: {
      text: truncate(
        `Source ${number} of ${total} · ${citation.documentId}`,
        DISCORD_LIMITS.embedFooterText,
      ),
    },
    color: EMBED_COLOR,
  };
}

/** The excerpt escaped, marked in bold and cut so the result fits `maxCodePoints`. */
function excerptMarkdown(
  excerpt: string,
  marks: readonly TextRange[],
  maxCodePoints: number,
): string {
  const rendered = renderToFit(excerpt, maxCodePoints, (cut) => {
    // `truncate` keeps a prefix and adds one ellipsis, so marks up to the cut stay valid.
    const kept = cut === excerpt ? cut.length : cut.length - 1;
    const keptMarks = marks
      .filter((mark) => mark.start < kept)
      .map((mark) => ({ start: mark.start, end: Math.min(mark.end, kept) }));
    return boldMarks(cut, keptMarks);
  });
  return rendered === '' ? '…' : rendered;
}

/** "over 4 years old" / "11 months old": the age of a stale source, roughly, as people say it. */
function yearsAgo(ageDays: number | undefined): string {
  if (ageDays === undefined) return 'undated';
  const years = Math.floor(ageDays / 365);
  if (years >= 1) return `over ${years} year${years === 1 ? '' : 's'} old`;
  const months = Math.max(1, Math.floor(ageDays / 30));
  return `${months} month${months === 1 ? '' : 's'} old`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
