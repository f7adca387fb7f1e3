import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIApplicationCommandOptionChoice,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIEmbedField,
  type APIModalInteractionResponseCallbackData,
  type APITextInputComponent,
} from 'discord.js';
import type { IngestPreview } from '../../ingest/preview.ts';
import type { AuditEntry, StoredDocumentMeta } from '../../store/store.ts';
import { customId } from '../custom-id.ts';
import { DISCORD_LIMITS } from '../limits.ts';
import { codePointLength, escapeMarkdown, escapeToFit, isWebUrl, markdownLink } from '../text.ts';
import { count, truncate } from '../../core/text.ts';
import { formatDate } from '../../core/dates.ts';
import { buttonRow, EPHEMERAL, NO_MENTIONS, type MessagePayload } from './payload.ts';
import { COMMAND_NAMES } from '../command-names.ts';

/** The command these components belong to: custom ids start with it. */
const COMMAND = COMMAND_NAMES.corpus;

/** Custom id actions of /corpus: preview buttons, list pages and the two modals. */
export const CORPUS_ACTIONS = {
  confirm: 'confirm',
  edit: 'edit',
  cancel: 'cancel',
  listPage: 'list',
  /** The add-text modal. */
  textModal: 'text',
  /** The Edit metadata modal. */
  metadataModal: 'metadata',
} as const;

/** The inputs of the two modals, by custom id. */
export const MODAL_FIELDS = {
  title: 'title',
  site: 'site',
  author: 'author',
  date: 'date',
  text: 'text',
} as const;

/** Documents per page of `/corpus list`. */
export const LIST_PAGE_SIZE = 10;

/** How much of the first passage a preview shows: enough to recognise the document. */
const FIRST_PASSAGE_MAX = 1200;
const PREVIEW_COLOR = 0xc99a2e;
const DONE_COLOR = 0x3a8f5c;
const NEUTRAL_COLOR = 0x3b6ea5;

/** Metadata limits of `metadataSchema` (src/ingest/preview.ts), used as the inputs' max lengths. */
const TITLE_MAX = 400;
const FIELD_MAX = 200;

/**
 * The ephemeral preview of an add: what would be stored, any duplicate, and Confirm, Edit
 * metadata and Cancel (Confirm disabled for a duplicate). All of it is in the embed, so an edit
 * or the outcome can replace the message whole.
 *
 * @example
 * await respond.reply(renderPreview(await corpus.preview({ kind: 'url', url }, { guildId }), token));
 */
export function renderPreview(preview: IngestPreview, token: string): MessagePayload {
  const url = isWebUrl(preview.url) ? preview.url : undefined;
  const fields: APIEmbedField[] = [
    field('Site', preview.site, true),
    field('Author', preview.author, true),
    { name: 'Date', value: formatDate(preview.publishedAt) ?? 'Undated', inline: true },
    {
      name: 'Length',
      value: `${count(preview.wordCount, 'word')} · ${count(preview.length, 'character')}`,
      inline: true,
    },
    { name: 'Passages', value: count(preview.passageCount, 'passage'), inline: true },
    { name: 'From', value: sourceLine(preview), inline: true },
  ];
  if (preview.duplicate) {
    fields.push({
      name: 'Already in the sources',
      value: escapeToFit(
        `${preview.duplicate.message} Nothing new would be added, so Confirm is off.`,
        DISCORD_LIMITS.embedFieldValue,
      ),
    });
  }
  const opening = preview.firstPassage.replace(/\s+/gu, ' ').trim();
  const embed: APIEmbed = {
    author: { name: 'Preview: nothing is added until you confirm' },
    title: escapeToFit(preview.title, DISCORD_LIMITS.embedTitle) || 'Untitled',
    ...(url ? { url } : {}),
    description: `**First passage**\n${escapeToFit(opening, FIRST_PASSAGE_MAX) || '…'}`,
    fields,
    footer: {
      text: 'Only you can confirm, edit or cancel this preview. It expires after 15 minutes.',
    },
    color: PREVIEW_COLOR,
  };
  return {
    embeds: [embed],
    components: [
      buttonRow([
        {
          customId: customId(COMMAND, CORPUS_ACTIONS.confirm, token),
          label: 'Confirm',
          style: ButtonStyle.Success,
          disabled: preview.duplicate !== undefined,
        },
        {
          customId: customId(COMMAND, CORPUS_ACTIONS.edit, token),
          label: 'Edit metadata',
          style: ButtonStyle.Secondary,
        },
        {
          customId: customId(COMMAND, CORPUS_ACTIONS.cancel, token),
          label: 'Cancel',
          style: ButtonStyle.Danger,
        },
      ]),
    ],
    allowedMentions: NO_MENTIONS,
    flags: EPHEMERAL,
  };
}

/** What the preview becomes once confirmed. */
export function renderAdded(document: Pick<StoredDocumentMeta, 'id' | 'title'>): MessagePayload {
  return outcome(
    `Added “${escapeToFit(document.title, 1000)}” (id ${inlineId(document.id)}). ` +
      '/ask in this server can cite it now; /corpus remove takes it out again.',
    DONE_COLOR,
  );
}

/** What the preview becomes when cancelled. */
export function renderCancelled(): MessagePayload {
  return outcome('Nothing was added.', NEUTRAL_COLOR);
}

/** The reply to `/corpus remove`. */
export function renderRemoved(document: Pick<StoredDocumentMeta, 'id' | 'title'>): MessagePayload {
  return outcome(
    `Removed “${escapeToFit(document.title, 1000)}” (id ${inlineId(document.id)}). ` +
      '/ask in this server no longer cites it.',
    NEUTRAL_COLOR,
  );
}

/**
 * One page of the documents added in this server, newest first, with Previous and Next buttons
 * (`corpus:list:<page>`; the list is read again on each press). A page past the end shows the
 * last one.
 *
 * @example
 * await respond.reply(renderDocumentList(corpus.list({ guildId }), 1));
 */
export function renderDocumentList(
  documents: readonly StoredDocumentMeta[],
  page: number,
): MessagePayload {
  if (documents.length === 0) {
    return outcome(
      'No documents have been added in this server yet. Add one with /corpus add-url, ' +
        '/corpus add-file or /corpus add-text.',
      NEUTRAL_COLOR,
    );
  }
  const pages = Math.ceil(documents.length / LIST_PAGE_SIZE);
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const first = (current - 1) * LIST_PAGE_SIZE;
  const lines = documents
    .slice(first, first + LIST_PAGE_SIZE)
    .map((document, index) => listLine(document, first + index + 1));
  const buttons: ButtonSpec[] = [];
  if (current > 1)
    buttons.push({
      customId: customId(COMMAND, CORPUS_ACTIONS.listPage, String(current - 1)),
      label: '‹ Previous',
    });
  if (current < pages)
    buttons.push({
      customId: customId(COMMAND, CORPUS_ACTIONS.listPage, String(current + 1)),
      label: 'Next ›',
      style: ButtonStyle.Primary,
    });
  return {
    embeds: [
      {
        title: `Documents added in this server (${documents.length})`,
        description: fitLines(lines, DISCORD_LIMITS.embedDescription),
        footer: {
          text: `Page ${current} of ${pages} · only this server's /ask and /source see these`,
        },
        color: NEUTRAL_COLOR,
      },
    ],
    components: buttons.length > 0 ? [buttonRow(buttons)] : [],
    allowedMentions: NO_MENTIONS,
    flags: EPHEMERAL,
  };
}

/**
 * The audit log of this server, newest first: who added or removed what, when, from where.
 *
 * @example
 * await respond.reply(renderHistory(corpus.history({ guildId }, HISTORY_LIMIT)));
 */
export function renderHistory(entries: readonly AuditEntry[]): MessagePayload {
  if (entries.length === 0)
    return outcome('Nothing has been added or removed in this server yet.', NEUTRAL_COLOR);
  const lines = entries.map((entry) => {
    const action = entry.action === 'add' ? 'Added' : 'Removed';
    const from =
      entry.action === 'add' && entry.source ? ` · from ${escapeToFit(entry.source, 120)}` : '';
    return (
      `${timestamp(entry.at)} **${action}** “${escapeToFit(entry.title, 120)}” ` +
      `(${inlineId(entry.documentId)}) by ${actorMention(entry.actor)}${from}`
    );
  });
  return {
    embeds: [
      {
        title: 'Recent changes in this server',
        description: fitLines(lines, DISCORD_LIMITS.embedDescription),
        footer: { text: `The ${entries.length} most recent changes, newest first` },
        color: NEUTRAL_COLOR,
      },
    ],
    components: [],
    allowedMentions: NO_MENTIONS,
    flags: EPHEMERAL,
  };
}

/**
 * Autocomplete for `/corpus remove document:`: this server's documents whose title or id
 * contains every typed word, newest first; the id is sent back.
 *
 * @example
 * removeChoices(corpus.list({ guildId }), 'lead water');
 */
export function removeChoices(
  documents: readonly StoredDocumentMeta[],
  typed: string,
): APIApplicationCommandOptionChoice<string>[] {
  const words = typed.toLowerCase().split(/\s+/u).filter(Boolean);
  return documents
    .filter((document) => codePointLength(document.id) <= DISCORD_LIMITS.choiceValue)
    .filter((document) => {
      const haystack = `${document.title} ${document.id}`.toLowerCase();
      return words.every((word) => haystack.includes(word));
    })
    .slice(0, DISCORD_LIMITS.autocompleteChoices)
    .map((document) => {
      const title = document.title.replace(/\s+/gu, ' ').trim() || document.id;
      const year = document.publishedAt?.slice(0, 4);
      const suffix = year && /^\d{4}$/u.test(year) ? ` (${year})` : '';
      return {
        name: truncate(
          `${truncate(title, DISCORD_LIMITS.choiceName - codePointLength(suffix))}${suffix}`,
          DISCORD_LIMITS.choiceName,
        ),
        value: document.id,
      };
    });
}

/** The add-text modal: title, author, date and the text itself. */
export function addTextModal(): APIModalInteractionResponseCallbackData {
  return {
    custom_id: customId(COMMAND, CORPUS_ACTIONS.textModal),
    title: 'Add pasted text',
    components: [
      label('Title', textInput(MODAL_FIELDS.title, { required: true, maxLength: TITLE_MAX })),
      label('Author', textInput(MODAL_FIELDS.author, { maxLength: FIELD_MAX })),
      label(
        'Date',
        textInput(MODAL_FIELDS.date, { maxLength: 10, placeholder: 'YYYY-MM-DD, e.g. 2021-01-21' }),
        'When it was written or published; leave empty if unknown',
      ),
      label(
        'Text',
        textInput(MODAL_FIELDS.text, {
          required: true,
          paragraph: true,
          maxLength: DISCORD_LIMITS.textInputValue,
        }),
        `Up to ${DISCORD_LIMITS.textInputValue.toLocaleString('en-GB')} characters; for longer texts attach a file`,
      ),
    ],
  };
}

/**
 * The Edit metadata modal, prefilled with the preview's current values (an emptied field is
 * cleared; the title is required).
 */
export function metadataModal(
  token: string,
  preview: Pick<IngestPreview, 'title' | 'site' | 'author' | 'publishedAt'>,
): APIModalInteractionResponseCallbackData {
  return {
    custom_id: customId(COMMAND, CORPUS_ACTIONS.metadataModal, token),
    title: 'Edit metadata',
    components: [
      label(
        'Title',
        textInput(MODAL_FIELDS.title, {
          required: true,
          maxLength: TITLE_MAX,
          value: preview.title,
        }),
      ),
      label('Site', textInput(MODAL_FIELDS.site, { maxLength: FIELD_MAX, value: preview.site })),
      label(
        'Author',
        textInput(MODAL_FIELDS.author, { maxLength: FIELD_MAX, value: preview.author }),
      ),
      label(
        'Date',
        textInput(MODAL_FIELDS.date, {
          maxLength: 10,
          value: preview.publishedAt,
          placeholder: 'YYYY-MM-DD, e.g. 2021-01-21',
        }),
        'Leave empty if unknown',
      ),
    ],
  };
}

interface ButtonSpec {
  customId: string;
  label: string;
  style?: APIButtonComponentWithCustomId['style'];
  disabled?: boolean;
}

/** A short ephemeral result in an embed, so it can replace a preview (whose content is empty). */
function outcome(description: string, color: number): MessagePayload {
  return {
    embeds: [{ description: truncate(description, DISCORD_LIMITS.embedDescription), color }],
    components: [],
    allowedMentions: NO_MENTIONS,
    flags: EPHEMERAL,
  };
}

function field(name: string, value: string | undefined, inline: boolean): APIEmbedField {
  const text = value?.replace(/\s+/gu, ' ').trim();
  return {
    name,
    value: text ? escapeToFit(text, DISCORD_LIMITS.embedFieldValue) || '—' : 'Not given',
    inline,
  };
}

function sourceLine(preview: IngestPreview): string {
  const { kind, ref } = preview.source;
  if (kind === 'url' && isWebUrl(ref)) {
    const host = new URL(ref).hostname.replace(/^www\./u, '');
    const link = markdownLink(`a web page on ${host}`, ref);
    if (codePointLength(link) <= DISCORD_LIMITS.embedFieldValue) return link;
    return escapeToFit(`a web page on ${host}`, DISCORD_LIMITS.embedFieldValue);
  }
  if (kind === 'text') return 'Pasted text';
  return escapeToFit(`${kind === 'attachment' ? 'Attachment' : 'File'} ${ref}`, 300);
}

function listLine(document: StoredDocumentMeta, number: number): string {
  const date = formatDate(document.publishedAt) ?? 'undated';
  // A moderator is named (never pinged); the operator's login name means nothing here.
  const by = document.origin === 'server' ? actorMention(document.addedBy) : 'the operator';
  return (
    `${number}. **${escapeToFit(document.title, 150)}** · ${date} · ${inlineId(document.id)}\n` +
    `   added ${timestamp(document.addedAt)} by ${by}`
  );
}

/** Lines joined under `max` code points; lines that do not fit are left out, and counted. */
function fitLines(lines: readonly string[], max: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const rest = lines.length - index;
    const note = `\n… and ${rest} more`;
    const next = length + (kept.length > 0 ? 1 : 0) + codePointLength(line);
    if (next + (rest > 1 ? codePointLength(note) : 0) > max) {
      return kept.length > 0 ? `${kept.join('\n')}${note}` : truncate(line, max);
    }
    kept.push(line);
    length = next;
  }
  return kept.join('\n');
}

/** An id shown literally: in a code span when it is plain, escaped otherwise. */
function inlineId(id: string): string {
  return /^[\w.-]{1,120}$/u.test(id) ? `\`${id}\`` : escapeToFit(id, 120);
}

/** A Discord user id renders as the member's name (mentions in embeds never notify). */
function actorMention(actor: string): string {
  return /^\d{17,20}$/u.test(actor) ? `<@${actor}>` : escapeToFit(actor, 60);
}

/** Discord's timestamp markup, shown in each reader's own time zone. */
function timestamp(iso: string): string {
  const seconds = Math.floor(new Date(iso).getTime() / 1000);
  return Number.isFinite(seconds) ? `<t:${seconds}:f>` : escapeMarkdown(iso);
}

function label(
  text: string,
  component: APITextInputComponent,
  description?: string,
): APIModalInteractionResponseCallbackData['components'][number] {
  return {
    type: ComponentType.Label,
    label: truncate(text, DISCORD_LIMITS.textInputLabel),
    ...(description ? { description: truncate(description, DISCORD_LIMITS.labelDescription) } : {}),
    component,
  };
}

function textInput(
  id: string,
  options: {
    required?: boolean;
    paragraph?: boolean;
    maxLength: number;
    value?: string | undefined;
    placeholder?: string;
  },
): APITextInputComponent {
  const max = Math.min(options.maxLength, DISCORD_LIMITS.textInputValue);
  const value = options.value ? truncate(options.value, max) : undefined;
  return {
    type: ComponentType.TextInput,
    custom_id: id,
    style: options.paragraph ? TextInputStyle.Paragraph : TextInputStyle.Short,
    required: options.required ?? false,
    max_length: max,
    ...(options.required ? { min_length: 1 } : {}),
    ...(value ? { value } : {}),
    ...(options.placeholder
      ? { placeholder: truncate(options.placeholder, DISCORD_LIMITS.textInputPlaceholder) }
      : {}),
  };
}
