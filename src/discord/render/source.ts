import type { APIApplicationCommandOptionChoice, APIEmbed } from 'discord.js';
import type { Scope } from '../../core/scope.ts';
import type { DocumentMatch, DocumentOrigin, DocumentSummary } from '../../core/types.ts';
import { DISCORD_LIMITS } from '../limits.ts';
import { codePointLength, escapeToFit, isWebUrl, markdownLink } from '../text.ts';
import { count, truncate } from '../../core/text.ts';
import { formatDate } from '../../core/dates.ts';
import { customId } from '../custom-id.ts';
import { OPEN_SOURCE_ACTION } from './answer.ts';
import { buttonRow, NO_MENTIONS, type MessagePayload } from './payload.ts';
import { COMMAND_NAMES } from '../command-names.ts';

const EMBED_COLOR = 0x3b6ea5;
/** The opening is a taste of the document, not the document. */
const SUMMARY_MAX = 1000;

/**
 * Autocomplete choices for `/source document:`: the title (cut at a word boundary, with the
 * year when it fits) shown, the stable document id sent back. A match whose id would not fit
 * a choice value is left out rather than cut, as a cut id would name no document.
 *
 * @example
 * documentChoices(corpus.findDocuments('bashkortostn'));
 * // [{ name: "Russian Region Becomes First to Introduce Covid-19 'Passports' (2021)", value: 'bashkortostan-covid-passports' }]
 */
export function documentChoices(
  matches: readonly DocumentMatch[],
): APIApplicationCommandOptionChoice<string>[] {
  return matches
    .filter(
      (match) =>
        match.documentId !== '' && codePointLength(match.documentId) <= DISCORD_LIMITS.choiceValue,
    )
    .slice(0, DISCORD_LIMITS.autocompleteChoices)
    .map((match) => ({ name: choiceName(match), value: match.documentId }));
}

function choiceName(match: DocumentMatch): string {
  const title = match.title.replace(/\s+/gu, ' ').trim() || match.documentId;
  const year = match.publishedAt?.slice(0, 4);
  const suffix = year && /^\d{4}$/u.test(year) ? ` (${year})` : '';
  const name = `${truncate(title, DISCORD_LIMITS.choiceName - codePointLength(suffix))}${suffix}`;
  return truncate(name, DISCORD_LIMITS.choiceName);
}

/** Buttons offered for an ambiguous lookup: two rows of five. */
const CANDIDATE_BUTTONS = 2 * DISCORD_LIMITS.buttonsPerRow;

/**
 * `/source`'s reply when what was typed fits several documents: says so and offers each as a
 * button (numbered title and year) that opens it, as the no-answer's suggestions do.
 *
 * @example
 * await respond.reply({ ...renderCandidates('lavrov', lookup.candidates), flags: EPHEMERAL });
 */
export function renderCandidates(
  typed: string,
  candidates: readonly DocumentMatch[],
): MessagePayload {
  const offered = candidates
    .filter(
      (candidate) =>
        candidate.documentId !== '' &&
        !candidate.documentId.includes(':') &&
        `${COMMAND_NAMES.source}:${OPEN_SOURCE_ACTION}:${candidate.documentId}`.length <=
          DISCORD_LIMITS.customId,
    )
    .slice(0, CANDIDATE_BUTTONS);
  const buttons = offered.map((candidate, index) => ({
    customId: customId(COMMAND_NAMES.source, OPEN_SOURCE_ACTION, candidate.documentId),
    label: truncate(`${index + 1}. ${choiceName(candidate)}`, DISCORD_LIMITS.buttonLabel),
  }));
  const rows = [];
  for (let start = 0; start < buttons.length; start += DISCORD_LIMITS.buttonsPerRow)
    rows.push(buttonRow(buttons.slice(start, start + DISCORD_LIMITS.buttonsPerRow)));
  const more =
    candidates.length > offered.length
      ? ` The first ${offered.length} are below; type more of the title to narrow it down.`
      : ' Pick one:';
  return {
    content: `“${escapeToFit(typed, 100)}” fits ${candidates.length} documents.${more}`,
    embeds: [],
    components: rows,
    allowedMentions: NO_MENTIONS,
  };
}

/**
 * `/source`'s reply: the document's metadata, a link to it when it has one, and its opening.
 *
 * @example
 * await interaction.reply(renderSource(corpus.resolveDocument('moscow times')!));
 */
export function renderSource(summary: DocumentSummary): MessagePayload {
  const url = isWebUrl(summary.url) ? summary.url : undefined;
  const fields = [
    { name: 'Published', value: formatDate(summary.publishedAt) ?? 'Undated', inline: true },
    ...(summary.author
      ? [
          {
            name: 'Author',
            value: escapeToFit(summary.author, DISCORD_LIMITS.embedFieldValue),
            inline: true,
          },
        ]
      : []),
    {
      name: 'Length',
      value: `${count(summary.wordCount, 'word')} in ${count(summary.passageCount, 'passage')}`,
      inline: true,
    },
    {
      name: 'Source',
      value: sourceLink(url),
      inline: true,
    },
    { name: 'Origin', value: originText(summary), inline: true },
  ];
  const description = escapeToFit(summary.summary.replace(/\s+/gu, ' ').trim(), SUMMARY_MAX);
  const embed: APIEmbed = {
    ...(summary.site
      ? { author: { name: truncate(summary.site, DISCORD_LIMITS.embedAuthorName) } }
      : {}),
    title: escapeToFit(summary.title, DISCORD_LIMITS.embedTitle) || 'Untitled',
    ...(url ? { url } : {}),
    ...(description ? { description } : {}),
    fields: fields.slice(0, DISCORD_LIMITS.embedFields),
    footer: {
      text: truncate(`id: ${summary.id} · ask about it with /ask`, DISCORD_LIMITS.embedFooterText),
    },
    color: EMBED_COLOR,
  };
  return { embeds: [embed], components: [], allowedMentions: NO_MENTIONS };
}

/**
 * Where a document came from, as a member of the server it is shown in reads it: shipped with
 * Footnote, added by whoever runs this Footnote (the operator), or added in this server.
 *
 * @example
 * originText({ origin: 'operator', scope: GLOBAL_SCOPE }); // 'Added by the operator, for every server'
 */
export function originText(document: { origin: DocumentOrigin; scope: Scope }): string {
  switch (document.origin) {
    case 'shipped':
      return 'Shipped with Footnote';
    case 'operator':
      return document.scope.kind === 'global'
        ? 'Added by the operator, for every server'
        : 'Added by the operator, for this server';
    case 'server':
      return 'Added in this server';
  }
}

function sourceLink(url: string | undefined): string {
  if (!url) return 'The source gives no web address.';
  const link = markdownLink('Open the original', url);
  return codePointLength(link) <= DISCORD_LIMITS.embedFieldValue
    ? link
    : 'Its web address is too long to show here.';
}
