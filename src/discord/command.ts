import {
  ApplicationCommandOptionType,
  type ApplicationCommandType,
  type APIApplicationCommandOptionChoice,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Message,
  type MessageContextMenuCommandInteraction,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
  type APIModalInteractionResponseCallbackData,
  type ModalSubmitInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type User,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Footnote } from '../core/api.ts';
import type { GuildScope } from '../core/scope.ts';
import type { CorpusService } from '../corpus/corpus-service.ts';
import type { Feedback } from '../store/feedback.ts';
import type { MessagePayload, UpdatePayload } from './render/payload.ts';

/** How a handler answers; the dispatcher decides between reply, edit and follow-up. */
export interface Responder {
  /** Sends the reply, or puts it in place of the automatic deferral. */
  reply(payload: MessagePayload): Promise<void>;
  /** For buttons, and modals opened from a button: replaces the message it sits on. */
  update(payload: UpdatePayload): Promise<void>;
  /** For commands and buttons: opens a modal. Only as the first answer, so never after work. */
  showModal(modal: APIModalInteractionResponseCallbackData): Promise<void>;
}

/** What every handler receives besides the interaction. */
export interface CommandContext {
  corpus: Footnote;
  logger: Logger;
  respond: Responder;
  /** The server asking, or undefined in a DM: where the interaction happened (votes, links). */
  guildId: string | undefined;
  /**
   * The documents this interaction reads: its server's and the global ones. Undefined in a DM,
   * which the core reads as the global documents only. Not for writes: `/corpus` makes its
   * scope with `guildScope(interaction.guildId)`, which refuses a DM.
   */
  scope: GuildScope | undefined;
  /** The registry, for `/help`. */
  commands: readonly AnyCommand[];
  /** Adding and removing documents (/corpus); absent where nothing can be written. */
  corpusService?: CorpusService | undefined;
  /** `FOOTNOTE_MODERATOR_ROLES`: roles that pass a permission guard besides the permission. */
  moderatorRoles?: readonly string[] | undefined;
  /** Votes on answers and the gaps list; absent where nothing is stored. */
  feedback?: Feedback | undefined;
  /** The message context-menu commands, for `/help`. */
  messageCommands?: readonly MessageCommand[] | undefined;
}

type ChatInputData = RESTPostAPIChatInputApplicationCommandsJSONBody;

type OptionValue<Type> = Type extends ApplicationCommandOptionType.String
  ? string
  : Type extends ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number
    ? number
    : Type extends ApplicationCommandOptionType.Boolean
      ? boolean
      : Type extends ApplicationCommandOptionType.User
        ? User
        : never;

type OptionsOf<Data> = Data extends { readonly options: ReadonlyArray<infer Option> }
  ? Option
  : never;

/**
 * A command's arguments typed from its definition (the yuudachi pattern): a required string
 * option is a `string`, an optional boolean a `boolean | undefined`, a user option a `User`.
 */
export type ArgsOf<Data> = {
  [
    Option in OptionsOf<Data> as Option extends { readonly name: infer Name extends string }
      ? Name
      : never
  ]: Option extends {
    readonly type: infer Type;
  }
    ? Option extends { readonly required: true }
      ? OptionValue<Type>
      : OptionValue<Type> | undefined
    : never;
};

export type ButtonHandler = (
  args: readonly string[],
  interaction: ButtonInteraction,
  context: CommandContext,
) => Promise<void>;

/** A modal's submission, routed like a button by its custom id `<command>:<key in modals>:<args>`. */
export type ModalHandler = (
  args: readonly string[],
  interaction: ModalSubmitInteraction,
  context: CommandContext,
) => Promise<void>;

/**
 * One slash command: its registration data, typed `as const satisfies
 * RESTPostAPIChatInputApplicationCommandsJSONBody` so `execute` gets typed arguments, and its
 * handlers. Buttons are routed by custom id `<command name>:<key in buttons>:<args>`.
 */
export interface Command<Data extends ChatInputData = ChatInputData> {
  readonly data: Data;
  /**
   * Members need this permission, or a role in `FOOTNOTE_MODERATOR_ROLES`; checked by the
   * dispatcher (`checkAccess` in guard.ts) for the command, its autocomplete, buttons and modals,
   * whatever Discord shows (server admins can override `default_member_permissions`, which
   * should be set to the same value).
   */
  readonly requiredPermission?: bigint;
  /** A sentence `/help` adds under the command, for what its options cannot say. */
  readonly helpNote?: string;
  /** Whether the reply will be ephemeral, decided before any work so a deferral matches it. */
  isPrivate?(args: ArgsOf<Data>): boolean;
  execute(
    args: ArgsOf<Data>,
    interaction: ChatInputCommandInteraction,
    context: CommandContext,
  ): Promise<void>;
  autocomplete?(
    interaction: AutocompleteInteraction,
    context: Omit<CommandContext, 'respond'>,
  ): Promise<APIApplicationCommandOptionChoice[]>;
  readonly buttons?: Readonly<Record<string, ButtonHandler>>;
  readonly modals?: Readonly<Record<string, ModalHandler>>;
  /**
   * Whether this command or button interaction will be answered with a modal, which Discord
   * accepts only as the first answer: the dispatcher then never defers it ahead of the handler.
   */
  opensModal?(interaction: ChatInputCommandInteraction | ButtonInteraction): boolean;
}

// Handlers are methods, so a Command<SpecificData> is usable where any command is expected.
export type AnyCommand = Command<ChatInputData>;

/**
 * Identity at runtime; at compile time it ties `execute`'s arguments to `data`.
 *
 * @example
 * export default defineCommand({
 *   data: { name: 'ping', description: 'Replies pong' } as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody,
 *   async execute(_args, _interaction, { respond }) { await respond.reply(privateNotice('pong')); },
 * });
 */
export function defineCommand<const Data extends ChatInputData>(
  command: Command<Data>,
): Command<Data> {
  return command;
}

/**
 * A message context-menu command (right-click a message → Apps): a name and no options, so its
 * handler gets the message. Its buttons are routed like a slash command's, by its name:
 * `<name>:<key in buttons>:<args>`. Its reply is always private at first (there is no option to
 * ask otherwise), so a deferral is too.
 */
export interface MessageCommand {
  readonly data: RESTPostAPIContextMenuApplicationCommandsJSONBody & {
    readonly type: ApplicationCommandType.Message;
  };
  /** What `/help` says about it: Discord shows no description for a context-menu command. */
  readonly description: string;
  /** As for `Command`: checked by the dispatcher, whatever Discord shows. */
  readonly requiredPermission?: bigint;
  execute(
    message: Message,
    interaction: MessageContextMenuCommandInteraction,
    context: CommandContext,
  ): Promise<void>;
  readonly buttons?: Readonly<Record<string, ButtonHandler>>;
}

/**
 * Identity at runtime; checks the shape of a message command at compile time.
 *
 * @example
 * export default defineMessageCommand({
 *   data: { type: ApplicationCommandType.Message, name: 'Quote' },
 *   description: 'Quotes the message back to you.',
 *   async execute(message, _interaction, { respond }) { await respond.reply(privateNotice(message.content)); },
 * });
 */
export function defineMessageCommand(command: MessageCommand): MessageCommand {
  return command;
}

/**
 * Every command the bot serves. `commands/index.ts` builds it and the entry point hands it to the
 * composition root (`src/app/`), so nothing under `src/` imports `commands/`.
 */
export interface CommandRegistry {
  readonly commands: readonly AnyCommand[];
  /** Message context-menu commands (right-click a message → Apps), registered with the others. */
  readonly messageCommands: readonly MessageCommand[];
}

type InteractionOptions = ChatInputCommandInteraction['options'];

/** How each option type the commands use is read from an interaction's options. */
const OPTION_READERS: Partial<
  Record<
    ApplicationCommandOptionType,
    (options: InteractionOptions, name: string, required: boolean) => unknown
  >
> = {
  [ApplicationCommandOptionType.String]: (options, name, required) =>
    options.getString(name, required),
  [ApplicationCommandOptionType.Integer]: (options, name, required) =>
    options.getInteger(name, required),
  [ApplicationCommandOptionType.Number]: (options, name, required) =>
    options.getNumber(name, required),
  [ApplicationCommandOptionType.Boolean]: (options, name, required) =>
    options.getBoolean(name, required),
  [ApplicationCommandOptionType.User]: (options, name, required) => options.getUser(name, required),
};

/**
 * Reads a command's top-level options as declared in its data. Subcommands (`/corpus`) read
 * their options from the interaction directly.
 */
export function readArgs<Data extends ChatInputData>(
  interaction: ChatInputCommandInteraction,
  data: Data,
): ArgsOf<Data> {
  const args: Record<string, unknown> = {};
  for (const option of data.options ?? []) {
    const required = 'required' in option && option.required === true;
    const read = OPTION_READERS[option.type];
    if (read) args[option.name] = read(interaction.options, option.name, required) ?? undefined;
  }
  return args as ArgsOf<Data>;
}
