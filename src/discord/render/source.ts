import type { APIApplicationCommandOptionChoice, APIEmbed } from 'discord.js';
import type { DocumentMatch, DocumentSummary } from '../../core/types.ts';
import { DISCORD_LIMITS } from '../limits.ts';
import {
  codePointLength,
  escapeToFit,
  formatDate,
  isWebUrl,
  markdownLink,
  truncate,
} from '../text.ts';
import { NO_MENTIONS, type MessagePayload } from './payload.ts';

const EMBED_COLOR = 0x3b6ea5;
/** The opening is a taste of the document, not the document. */
const SUMMARY_MAX = 1000;

/**
 * Autocomplete choices for `/source document:`: the title (cut at a word boundary, with the
 * year when it fits) shown, the stable document id sent back. A match whose id would not fit
 * a choice value is left out rather than cut, as a cut id would name no document.
 *
 * @example
 * documentChoices(library.findDocuments('bashkortostn'));
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

/**
 * `/source`'s reply: the document's metadata, a link to it when it has one, and its opening.
 *
 * @example
 * await interaction.reply(renderSource(library.resolveDocument('moscow times')!));
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
      value: `${summary.wordCount.toLocaleString('en-GB')} words in ${summary.passageCount} passages`,
      inline: true,
    },
    {
      name: 'Source',
      value: sourceLink(url),
      inline: true,
    },
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

function sourceLink(url: string | undefined): string {
  if (!url) return 'The source gives no web address.';
  const link = markdownLink('Open the original', url);
  return codePointLength(link) <= DISCORD_LIMITS.embedFieldValue
    ? link
    : 'Its web address is too long to show here.';
}
