import {
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { UserError } from '../src/core/errors.ts';
import { guildScope, type GuildScope } from '../src/core/scope.ts';
import {
  AlreadyAddedError,
  type IngestInput,
  type CorpusService,
} from '../src/corpus/corpus-service.ts';
import { defineCommand, type CommandContext } from '../src/discord/command.ts';
import { parseCustomId } from '../src/discord/custom-id.ts';
import { PendingPreviews, type HeldPreview } from '../src/discord/pending.ts';
import {
  CORPUS_ACTIONS,
  MODAL_FIELDS,
  addTextModal,
  metadataModal,
  removeChoices,
  renderAdded,
  renderCancelled,
  renderDocumentList,
  renderHistory,
  renderPreview,
  renderRemoved,
} from '../src/discord/render/corpus.ts';
import { escapeMarkdown, escapeToFit } from '../src/discord/text.ts';
import { executeGaps, gapsButtons, gapsSubcommand } from './corpus-gaps.ts';
import { COMMAND_NAMES } from '../src/discord/command-names.ts';

/** How many audit entries `/corpus history` shows. */
export const HISTORY_LIMIT = 20;

export const PREVIEW_EXPIRED =
  'This preview has expired (previews last 15 minutes and do not survive a restart). ' +
  'Nothing was added: start again with /corpus.';
export const NOT_YOUR_PREVIEW =
  'Only the moderator who started this add can confirm, edit or cancel it.';

export const data = {
  name: COMMAND_NAMES.corpus,
  description: "Moderators: add, remove and list the documents this server's answers cite.",
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  contexts: [InteractionContextType.Guild],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add-url',
      description: 'Add a web page, or a PDF, text or Markdown file at a web address',
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'url',
          description: 'The address, starting with https://',
          required: true,
          max_length: 2000,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add-file',
      description: 'Add an attached PDF, web page (HTML), text or Markdown file',
      options: [
        {
          type: ApplicationCommandOptionType.Attachment,
          name: 'file',
          description: 'The file to add (at most 5 MB)',
          required: true,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add-text',
      description: 'Paste a text to add, with its title, author and date (opens a form)',
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'remove',
      description: 'Remove a document added in this server',
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'document',
          description: 'Start typing its title and pick it',
          required: true,
          autocomplete: true,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'list',
      description: 'The documents added in this server, newest first',
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'history',
      description: 'Who added and removed which documents in this server, and when',
    },
    gapsSubcommand,
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

type Subcommand = (typeof data.options)[number]['name'];

/** One set of pending previews per opened corpus: a restart (a new corpus) starts empty. */
const pendingByService = new WeakMap<CorpusService, PendingPreviews>();

function pendingFor(corpusService: CorpusService): PendingPreviews {
  let pending = pendingByService.get(corpusService);
  if (!pending) {
    pending = new PendingPreviews();
    pendingByService.set(corpusService, pending);
  }
  return pending;
}

/** What every /corpus handler needs; the dispatcher's guard has already admitted the member. */
function managing(
  interaction: Interaction,
  context: Pick<CommandContext, 'corpusService'>,
): { corpusService: CorpusService; scope: GuildScope; actor: string } {
  const { corpusService } = context;
  if (!corpusService) throw new UserError('Documents cannot be added or removed on this Footnote.');
  // The guard refuses DMs already; this keeps a missing server id from ever reaching the store.
  if (!interaction.guildId) throw new UserError('Documents can only be managed in a server.');
  return { corpusService, scope: guildScope(interaction.guildId), actor: interaction.user.id };
}

/** The caller's own pending preview, or a UserError saying why not. */
function ownPreview(
  token: string | undefined,
  interaction: Interaction,
  context: CommandContext,
): {
  held: HeldPreview;
  pending: PendingPreviews;
  corpusService: CorpusService;
  scope: GuildScope;
} {
  const { corpusService, scope, actor } = managing(interaction, context);
  const pending = pendingFor(corpusService);
  const held = token ? pending.get(token) : undefined;
  if (!held || held.guildId !== scope.guildId) throw new UserError(PREVIEW_EXPIRED);
  if (held.ownerId !== actor) throw new UserError(NOT_YOUR_PREVIEW);
  return { held, pending, corpusService, scope };
}

/** Ingests without writing anything, holds the result, and shows the preview. */
async function startPreview(
  input: IngestInput,
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  context: CommandContext,
): Promise<void> {
  const { corpusService, scope, actor } = managing(interaction, context);
  const preview = await corpusService.preview(input, scope);
  const token = pendingFor(corpusService).add({ preview, ownerId: actor, guildId: scope.guildId });
  context.logger.info(
    { source: preview.source.kind, duplicate: preview.duplicate?.id },
    'corpus preview',
  );
  await context.respond.reply(renderPreview(preview, token));
}

type SubcommandHandler = (
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
) => Promise<void>;

const subcommands: Record<Subcommand, SubcommandHandler> = {
  'add-url': (interaction, context) =>
    startPreview(
      { kind: 'url', url: interaction.options.getString('url', true) },
      interaction,
      context,
    ),
  'add-file': (interaction, context) => {
    const file = interaction.options.getAttachment('file', true);
    return startPreview(
      {
        kind: 'attachment',
        url: file.url,
        name: file.name,
        contentType: file.contentType ?? undefined,
        size: file.size,
      },
      interaction,
      context,
    );
  },
  'add-text': async (interaction, context) => {
    managing(interaction, context);
    await context.respond.showModal(addTextModal());
  },
  async remove(interaction, context) {
    const { corpusService, scope, actor } = managing(interaction, context);
    await corpusService.refresh();
    const typed = interaction.options.getString('document', true).trim();
    // A picked suggestion sends the id; a typed title is matched against this server's own.
    const documents = await corpusService.list(scope);
    const lowered = typed.toLowerCase();
    const matches = documents.filter((document) => document.title.toLowerCase() === lowered);
    const target =
      documents.find((document) => document.id === typed) ??
      (matches.length === 1 ? matches[0] : undefined);
    if (!target)
      throw new UserError(
        `No document added in this server matches “${escapeToFit(typed, 100)}”. ` +
          'Start typing its title and pick one of the suggestions.',
      );
    try {
      const removed = await corpusService.remove(target.id, { scope, actor, origin: 'server' });
      context.logger.info({ documentId: removed.id }, 'corpus remove');
      await context.respond.reply(renderRemoved(removed));
    } catch (error) {
      // The store's sentences quote titles: shown escaped like all corpus text.
      if (error instanceof UserError) throw new UserError(escapeMarkdown(error.message));
      throw error;
    }
  },
  async list(interaction, context) {
    const { corpusService, scope } = managing(interaction, context);
    await corpusService.refresh();
    await context.respond.reply(renderDocumentList(await corpusService.list(scope), 1));
  },
  async history(interaction, context) {
    const { corpusService, scope } = managing(interaction, context);
    await context.respond.reply(renderHistory(await corpusService.history(scope, HISTORY_LIMIT)));
  },
  gaps: executeGaps,
};

function isSubcommand(name: string): name is Subcommand {
  return Object.hasOwn(subcommands, name);
}

export default defineCommand({
  data,
  requiredPermission: PermissionFlagsBits.ManageGuild,
  helpNote:
    'Every add shows you a private preview first (title, site, author, date, length, the first ' +
    'passage, any duplicate): nothing is written until you press Confirm. Documents added here ' +
    "are cited only in this server. Members with Manage Server (or a role the bot's operator " +
    'lists) can use it.',
  isPrivate: () => true,
  opensModal: (interaction) =>
    interaction.isChatInputCommand()
      ? interaction.options.getSubcommand(false) === 'add-text'
      : parseCustomId(interaction.customId)?.action === CORPUS_ACTIONS.edit,
  async execute(_args, interaction, context) {
    const name = interaction.options.getSubcommand(true);
    if (!isSubcommand(name)) throw new UserError('I no longer know this command. Try /help.');
    await subcommands[name](interaction, context);
  },
  async autocomplete(interaction, context) {
    const { corpusService, scope } = managing(interaction, context);
    if (interaction.options.getSubcommand(false) !== 'remove') return [];
    await corpusService.refresh();
    return removeChoices(await corpusService.list(scope), interaction.options.getFocused());
  },
  buttons: {
    ...gapsButtons,
    async [CORPUS_ACTIONS.confirm]([token], interaction, context) {
      const { held, pending, corpusService, scope } = ownPreview(token, interaction, context);
      // Taken first, so a second press (or a second moderator racing) cannot commit twice.
      pending.take(token!);
      let added;
      try {
        added = await corpusService.commit(held.preview, {
          scope,
          actor: interaction.user.id,
          origin: 'server',
        });
      } catch (error) {
        if (!(error instanceof AlreadyAddedError)) {
          // Nothing was written (one transaction): the same preview can be confirmed again.
          pending.restore(token!, held);
          throw error;
        }
        // Someone added the same document since the preview: show it, with Confirm off.
        const preview = { ...held.preview, duplicate: error.duplicate };
        pending.restore(token!, { ...held, preview });
        await context.respond.update(renderPreview(preview, token!));
        return;
      }
      context.logger.info({ documentId: added.id }, 'corpus add');
      await context.respond.update(renderAdded(added));
    },
    async [CORPUS_ACTIONS.edit]([token], interaction, context) {
      const { held } = ownPreview(token, interaction, context);
      await context.respond.showModal(metadataModal(token!, held.preview));
    },
    async [CORPUS_ACTIONS.cancel]([token], interaction, context) {
      const { pending } = ownPreview(token, interaction, context);
      pending.take(token!);
      await context.respond.update(renderCancelled());
    },
    async [CORPUS_ACTIONS.listPage]([page], interaction, context) {
      const { corpusService, scope } = managing(interaction, context);
      await corpusService.refresh();
      await context.respond.update(
        renderDocumentList(await corpusService.list(scope), Number(page)),
      );
    },
  },
  modals: {
    async [CORPUS_ACTIONS.textModal](_args, interaction, context) {
      const field = (id: string) => interaction.fields.getTextInputValue(id);
      await startPreview(
        {
          kind: 'text',
          title: field(MODAL_FIELDS.title),
          text: field(MODAL_FIELDS.text),
          author: field(MODAL_FIELDS.author) || undefined,
          date: field(MODAL_FIELDS.date) || undefined,
        },
        interaction,
        context,
      );
    },
    async [CORPUS_ACTIONS.metadataModal]([token], interaction, context) {
      const { held, pending, corpusService } = ownPreview(token, interaction, context);
      const field = (id: string) => interaction.fields.getTextInputValue(id);
      // An emptied field clears it; a bad one is refused with a sentence naming it.
      const edited = corpusService.edit(held.preview, {
        title: field(MODAL_FIELDS.title),
        site: field(MODAL_FIELDS.site),
        author: field(MODAL_FIELDS.author),
        publishedAt: field(MODAL_FIELDS.date),
      });
      if (!pending.replace(token!, edited)) throw new UserError(PREVIEW_EXPIRED);
      await context.respond.update(renderPreview(edited, token!));
    },
  },
});
