import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  Interaction,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
} from 'discord.js';
import {
  readArgs,
  type AnyCommand,
  type ButtonHandler,
  type CommandContext,
  type CommandRegistry,
  type MessageCommand,
} from './command.ts';
import { parseCustomId } from './custom-id.ts';
import type { Answerable } from './responder.ts';

/** The kinds of interaction the route table knows; `other` ones are ignored. */
export type RouteKind =
  'command' | 'message-command' | 'button' | 'modal' | 'autocomplete' | 'other';

/**
 * One row of the route table: the handler of one command, context-menu entry, button or modal,
 * and what the dispatcher must know before it runs (who may, how private, whether to defer).
 */
export interface Route {
  /** The command whose permission guards this route: its buttons and modals share it. */
  readonly guardedBy: Pick<AnyCommand, 'requiredPermission'>;
  /** Whether the answer will be private, decided before any work so a deferral matches it. */
  isPrivate(interaction: Answerable): boolean;
  /** Whether it answers with a modal, which Discord takes only first: never deferred ahead. */
  opensModal(interaction: Answerable): boolean;
  run(interaction: Answerable, args: readonly string[], context: CommandContext): Promise<void>;
}

/** Where an interaction goes: its kind, its name in logs, metrics and cooldowns, its arguments. */
export interface Address {
  kind: RouteKind;
  /** The command, or `<command>:<action>` for a button or a modal. */
  name: string;
  /** A button's or modal's custom id arguments. */
  args: readonly string[];
  /** Answered on the message it came from: a button, or a modal a button opened. */
  onMessage: boolean;
}

/**
 * Every route of a registry, keyed `<kind> <name>` (see `addressOf`). A command declares each
 * handler once, in its definition; this is the only place that turns definitions into routes.
 *
 * @example
 * const routes = routeTable({ commands: [ask], messageCommands: [] });
 * routes.get('button ask:page'); // the page button of /ask
 */
export function routeTable({ commands, messageCommands }: CommandRegistry): Map<string, Route> {
  const routes = new Map<string, Route>();
  const never = () => false;
  const always = () => true;
  for (const command of commands) {
    const opensModal = (interaction: Answerable) =>
      command.opensModal?.(interaction as ChatInputCommandInteraction | ButtonInteraction) === true;
    routes.set(`command ${command.data.name}`, {
      guardedBy: command,
      isPrivate: (interaction) => privateFor(command, interaction as ChatInputCommandInteraction),
      opensModal,
      run: (interaction, _args, context) => {
        const chatInput = interaction as ChatInputCommandInteraction;
        return command.execute(readArgs(chatInput, command.data), chatInput, context);
      },
    });
    addButtons(routes, command, { opensModal });
    for (const [action, handler] of Object.entries(command.modals ?? {}))
      routes.set(`modal ${command.data.name}:${action}`, {
        guardedBy: command,
        isPrivate: always,
        opensModal: never,
        run: (interaction, args, context) =>
          handler(args, interaction as ModalSubmitInteraction, context),
      });
  }
  for (const command of messageCommands) {
    routes.set(`message-command ${command.data.name}`, {
      guardedBy: command,
      // A context menu has no option to ask for privacy: its reply is private, so its deferral.
      isPrivate: always,
      opensModal: never,
      run: (interaction, _args, context) => {
        const menu = interaction as MessageContextMenuCommandInteraction;
        return command.execute(menu.targetMessage, menu, context);
      },
    });
    addButtons(routes, command, { opensModal: never });
  }
  return routes;
}

function addButtons(
  routes: Map<string, Route>,
  command: AnyCommand | MessageCommand,
  { opensModal }: Pick<Route, 'opensModal'>,
): void {
  for (const [action, handler] of Object.entries<ButtonHandler>(command.buttons ?? {}))
    routes.set(`button ${command.data.name}:${action}`, {
      guardedBy: command,
      isPrivate: () => true,
      opensModal,
      run: (interaction, args, context) => handler(args, interaction as ButtonInteraction, context),
    });
}

/**
 * Where an interaction is routed. Buttons and modals carry their route in the custom id
 * (`<command>:<action>:<args>`); one this bot did not make is named `unknown`.
 */
export function addressOf(interaction: Interaction): Address {
  const named = (kind: RouteKind, name: string) => ({ kind, name, args: [], onMessage: false });
  if (interaction.isAutocomplete()) return named('autocomplete', interaction.commandName);
  if (interaction.isChatInputCommand()) return named('command', interaction.commandName);
  if (interaction.isButton() || interaction.isModalSubmit()) {
    const parsed = parseCustomId(interaction.customId);
    return {
      kind: interaction.isButton() ? 'button' : 'modal',
      name: parsed ? `${parsed.command}:${parsed.action}` : 'unknown',
      args: parsed?.args ?? [],
      onMessage: interaction.isButton() || interaction.isFromMessage(),
    };
  }
  if (interaction.isMessageContextMenuCommand())
    return named('message-command', interaction.commandName);
  return named('other', '');
}

/** Reading the options may fail (Discord sent something odd): then answer privately. */
function privateFor(command: AnyCommand, interaction: ChatInputCommandInteraction): boolean {
  try {
    return command.isPrivate?.(readArgs(interaction, command.data)) ?? false;
  } catch {
    return true;
  }
}
