import {
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { UserError } from '../src/core/errors.ts';
import { lookupDocument } from '../src/core/lookup.ts';
import { defineCommand } from '../src/discord/command.ts';
import { DISCORD_LIMITS } from '../src/discord/limits.ts';
import { OPEN_SOURCE_ACTION } from '../src/discord/render/answer.ts';
import { EPHEMERAL } from '../src/discord/render/payload.ts';
import { documentChoices, renderCandidates, renderSource } from '../src/discord/render/source.ts';
import { escapeToFit } from '../src/discord/text.ts';
import { COMMAND_NAMES } from '../src/discord/command-names.ts';

export const data = {
  name: COMMAND_NAMES.source,
  description: "Show a document's details, link and opening.",
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'document',
      description: 'Start typing a title, site or author and pick a document',
      required: true,
      autocomplete: true,
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default defineCommand({
  data,
  async execute({ document }, _interaction, { corpus, respond, scope }) {
    // A chosen suggestion sends the document id; text typed without choosing is resolved here.
    const lookup = lookupDocument(corpus, document, { scope });
    if (lookup.kind === 'none') {
      throw new UserError(
        `No document matches “${escapeToFit(document, 100)}”. Start typing and pick one of the suggestions.`,
      );
    }
    if (lookup.kind === 'ambiguous') {
      await respond.reply({ ...renderCandidates(document, lookup.candidates), flags: EPHEMERAL });
      return;
    }
    await respond.reply(renderSource(lookup.summary));
  },
  buttons: {
    // "Did you mean": a no-answer's suggestion opens the document, only for whoever clicks.
    async [OPEN_SOURCE_ACTION]([documentId], _interaction, { corpus, respond, scope }) {
      const summary = documentId ? corpus.summarize(documentId, { scope }) : undefined;
      if (!summary) throw new UserError('That document is no longer in the sources.');
      await respond.reply({ ...renderSource(summary), flags: EPHEMERAL });
    },
  },
  async autocomplete(interaction, { corpus, scope }) {
    const typed = interaction.options.getFocused();
    return documentChoices(
      corpus.findDocuments(typed, { scope, limit: DISCORD_LIMITS.autocompleteChoices }),
    );
  },
});
