import {
  MessageFlags,
  type APIModalInteractionResponseCallbackData,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type InteractionUpdateOptions,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Footnote } from '../core/api.ts';
import { UserError } from '../core/errors.ts';
import type { CorpusService } from '../library/corpus-service.ts';
import type { Feedback } from '../store/feedback.ts';
import {
  readArgs,
  type AnyCommand,
  type CommandContext,
  type MessageCommand,
  type Responder,
} from './command.ts';
import { cooldownNotice, type Cooldowns } from './cooldown.ts';
import { parseCustomId } from './custom-id.ts';
import { accessRequestOf, checkAccess } from './guard.ts';
import { DEFER_AFTER_MS } from './limits.ts';
import {
  isEphemeral,
  privateNotice,
  type MessagePayload,
  type UpdatePayload,
} from './render/payload.ts';

/** The one line anyone sees when something unexpected fails. Details go to the log only. */
export const GENERIC_ERROR = 'Something went wrong on my side; the error was logged.';

export interface DispatcherOptions {
  commands: readonly AnyCommand[];
  /** Message context-menu commands (Find sources), routed by name like slash commands. */
  messageCommands?: readonly MessageCommand[] | undefined;
  library: Footnote;
  logger: Logger;
  /** Votes on answers and the gaps list. */
  feedback?: Feedback | undefined;
  /** Adding and removing documents, for /corpus. */
  corpus?: CorpusService | undefined;
  /** Roles that pass a permission guard besides the permission (`FOOTNOTE_MODERATOR_ROLES`). */
  moderatorRoles?: readonly string[] | undefined;
  /** When to defer work still running (default `DEFER_AFTER_MS`). */
  deferAfterMs?: number;
  /** Above this many interactions in hand, defer before any work (default `BUSY_THRESHOLD`). */
  busyThreshold?: number;
  /** Per-member limits by route (`ask`, `ask:page`); a route without one is not limited. */
  cooldowns?: Cooldowns;
  /** Told about every interaction once it is handled (the metrics). */
  onInteraction?: (summary: InteractionSummary) => void;
}

export type Outcome = 'ok' | 'user-error' | 'denied' | 'cooldown' | 'unknown' | 'error';

/** One handled interaction: what its log line says, plus whether the user saw an answer. */
export interface InteractionSummary {
  kind: string;
  /** The command, or `<command>:<action>` for a button. */
  command: string;
  outcome: Outcome;
  latencyMs: number;
  /** False when nothing reached the user: Discord refused or never got the answer. */
  answered: boolean;
}

/**
 * Above this many interactions in hand at once, a new one is deferred on arrival and its work
 * waits its turn. The work is mostly synchronous (a search takes 1 to 20 ms), so in a burst of
 * 200 questions the last would wait for all the others, past Discord's 3 s, before even its
 * deferral timer could fire. Below it, answers go out directly, without a "thinking…" flash.
 */
export const BUSY_THRESHOLD = 8;

/**
 * Lets queued work run one job per event-loop turn, so the network (deferrals going out, the
 * gateway delivering more interactions) is served between two jobs rather than after all.
 */
class TurnQueue {
  readonly #waiting: Array<() => void> = [];
  #scheduled = false;

  /** Resolves when it is the caller's turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#waiting.shift()?.();
      this.#schedule();
    });
  }
}

/** The interactions the dispatcher answers: slash commands, buttons and modal submissions. */
type Answerable =
  | ChatInputCommandInteraction
  | MessageContextMenuCommandInteraction
  | ButtonInteraction
  | ModalSubmitInteraction;

/**
 * Routes every interaction to its command and makes sure each gets exactly one answer inside
 * Discord's deadline: a user error becomes a friendly ephemeral message, anything else is
 * logged with its context and answered with `GENERIC_ERROR`. Logs one line per interaction.
 * The returned function never rejects, so one failure cannot stop the bot.
 */
export function createDispatcher(
  options: DispatcherOptions,
): (interaction: Interaction) => Promise<void> {
  const byName = new Map(options.commands.map((command) => [command.data.name, command]));
  const menuByName = new Map(
    (options.messageCommands ?? []).map((command) => [command.data.name, command]),
  );
  const deferAfterMs = options.deferAfterMs ?? DEFER_AFTER_MS;
  const busyThreshold = options.busyThreshold ?? BUSY_THRESHOLD;
  let inHand = 0;
  const turns = new TurnQueue();
  /** When busy: acknowledge at once, then work when it is this interaction's turn. */
  const deferAndWait = async (respond: InteractionResponder) => {
    void respond.deferNow().catch(() => {});
    await turns.next();
  };

  return async (interaction) => {
    const started = performance.now();
    inHand += 1;
    const busy = inHand > busyThreshold;
    const { kind, name } = routeOf(interaction);
    // Every line about this interaction carries its context; question text stays at debug level.
    const logger = options.logger.child({
      interactionId: interaction.id,
      kind,
      command: name,
      guild: interaction.guildId ?? 'dm',
    });
    const context = {
      library: options.library,
      logger,
      guildId: interaction.guildId ?? undefined,
      commands: options.commands,
      corpus: options.corpus,
      moderatorRoles: options.moderatorRoles,
      feedback: options.feedback,
      messageCommands: options.messageCommands,
    };
    let outcome: Outcome = 'unknown';
    let answered = true;
    try {
      if (interaction.isAutocomplete()) {
        outcome = await autocomplete(interaction, byName.get(name), context);
        answered = interaction.responded;
      } else if (interaction.isChatInputCommand()) {
        const command = byName.get(name);
        const ephemeral = command ? privateFor(command, interaction) : true;
        const respond = createResponder(interaction, { ephemeral, deferAfterMs, logger });
        outcome = await answer(respond, logger, async () => {
          if (!command) throw new UnknownError('I no longer know this command. Try /help.');
          guard(command, interaction, options.moderatorRoles);
          admit(options.cooldowns, name, interaction);
          const args = readArgs(interaction, command.data);
          if (busy && !opensModal(command, interaction)) await deferAndWait(respond);
          await command.execute(args, interaction, { ...context, respond });
        });
        answered = respond.answered;
      } else if (interaction.isButton()) {
        const parsed = parseCustomId(interaction.customId);
        const command = parsed && (byName.get(parsed.command) ?? menuByName.get(parsed.command));
        const handler = parsed && command?.buttons?.[parsed.action];
        const respond = createResponder(interaction, { ephemeral: true, deferAfterMs, logger });
        outcome = await answer(respond, logger, async () => {
          if (!parsed || !command || !handler) {
            throw new UnknownError('This button no longer works. Run the command again.');
          }
          guard(command, interaction, options.moderatorRoles);
          admit(options.cooldowns, name, interaction);
          if (busy && !opensModal(command, interaction)) await deferAndWait(respond);
          await handler(parsed.args, interaction, { ...context, respond });
        });
        answered = respond.answered;
      } else if (interaction.isModalSubmit()) {
        const parsed = parseCustomId(interaction.customId);
        const command = parsed && byName.get(parsed.command);
        const handler = parsed && command?.modals?.[parsed.action];
        const respond = createResponder(interaction, {
          ephemeral: true,
          deferAfterMs,
          logger,
          onMessage: interaction.isFromMessage(),
        });
        outcome = await answer(respond, logger, async () => {
          if (!parsed || !command || !handler) {
            throw new UnknownError('This form no longer works. Run the command again.');
          }
          guard(command, interaction, options.moderatorRoles);
          admit(options.cooldowns, name, interaction);
          if (busy) await deferAndWait(respond);
          await handler(parsed.args, interaction, { ...context, respond });
        });
        answered = respond.answered;
      } else if (interaction.isMessageContextMenuCommand()) {
        const command = menuByName.get(name);
        // A context menu has no option to ask for privacy: its reply is private, and so the deferral.
        const respond = createResponder(interaction, { ephemeral: true, deferAfterMs, logger });
        outcome = await answer(respond, logger, async () => {
          if (!command) throw new UnknownError('I no longer know this command. Try /help.');
          guard(command, interaction, options.moderatorRoles);
          admit(options.cooldowns, name, interaction);
          if (busy) await deferAndWait(respond);
          await command.execute(interaction.targetMessage, interaction, { ...context, respond });
        });
        answered = respond.answered;
      }
    } catch (error) {
      outcome = 'error';
      answered = false;
      logger.error({ err: error }, 'interaction handling failed');
    }
    inHand -= 1;
    const latencyMs = Math.round(performance.now() - started);
    logger.info({ latencyMs, outcome }, 'interaction');
    options.onInteraction?.({ kind, command: name, outcome, latencyMs, answered });
  };
}

function routeOf(interaction: Interaction): { kind: string; name: string } {
  if (interaction.isAutocomplete()) return { kind: 'autocomplete', name: interaction.commandName };
  if (interaction.isChatInputCommand()) return { kind: 'command', name: interaction.commandName };
  if (interaction.isButton()) {
    const parsed = parseCustomId(interaction.customId);
    return { kind: 'button', name: parsed ? `${parsed.command}:${parsed.action}` : 'unknown' };
  }
  if (interaction.isModalSubmit()) {
    const parsed = parseCustomId(interaction.customId);
    return { kind: 'modal', name: parsed ? `${parsed.command}:${parsed.action}` : 'unknown' };
  }
  if (interaction.isMessageContextMenuCommand())
    return { kind: 'message-command', name: interaction.commandName };
  return { kind: 'other', name: '' };
}

/** Refused for lack of a permission: shown to the user like a UserError, logged as `denied`. */
class PermissionError extends UserError {}

/** A command or button this bot does not (or no longer) know. */
class UnknownError extends UserError {}

/** Used too often too quickly: told when to try again, logged as `cooldown`. */
class CooldownError extends UserError {}

/** Counts a use of `route` by the interaction's user, or refuses it with when to try again. */
function admit(cooldowns: Cooldowns | undefined, route: string, interaction: Answerable): void {
  const admission = cooldowns?.get(route)?.admit(interaction.user.id);
  if (admission && !admission.allowed)
    throw new CooldownError(cooldownNotice(route, admission.retryAt));
}

/** A modal must be the first answer: an interaction that opens one is not deferred when busy. */
function opensModal(
  command: AnyCommand | MessageCommand,
  interaction: ChatInputCommandInteraction | ButtonInteraction,
): boolean {
  return 'opensModal' in command && command.opensModal?.(interaction) === true;
}

/** `checkAccess` (guard.ts) for a guarded command: fails closed in DMs and without permissions. */
function guard(
  command: Pick<AnyCommand, 'requiredPermission'>,
  interaction: Answerable | AutocompleteInteraction,
  moderatorRoles: readonly string[] | undefined,
): void {
  const required = command.requiredPermission;
  if (required === undefined) return;
  const decision = checkAccess(accessRequestOf(interaction), {
    permission: required,
    roles: moderatorRoles,
  });
  if (!decision.allowed) throw new PermissionError(decision.reason);
}

function privateFor(command: AnyCommand, interaction: ChatInputCommandInteraction): boolean {
  try {
    return command.isPrivate?.(readArgs(interaction, command.data)) ?? false;
  } catch {
    return true;
  }
}

async function answer(
  responder: InteractionResponder,
  logger: Logger,
  work: () => Promise<void>,
): Promise<Outcome> {
  try {
    await work();
    if (!responder.answered) throw new Error('the handler finished without answering');
    return 'ok';
  } catch (error) {
    if (error instanceof UserError) {
      await responder.fail(error.message);
      if (error instanceof PermissionError) return 'denied';
      if (error instanceof CooldownError) return 'cooldown';
      return error instanceof UnknownError ? 'unknown' : 'user-error';
    }
    logger.error({ err: error }, 'command failed');
    await responder.fail(GENERIC_ERROR);
    return 'error';
  } finally {
    responder.dispose();
  }
}

async function autocomplete(
  interaction: AutocompleteInteraction,
  command: AnyCommand | undefined,
  context: Omit<CommandContext, 'respond'>,
): Promise<Outcome> {
  try {
    if (!command?.autocomplete) {
      await interaction.respond([]);
      return 'unknown';
    }
    guard(command, interaction, context.moderatorRoles);
    await interaction.respond(await command.autocomplete(interaction, context));
    return 'ok';
  } catch (error) {
    if (!(error instanceof UserError)) context.logger.error({ err: error }, 'autocomplete failed');
    // An empty list still answers, so the user sees "no options" rather than a spinner.
    if (!interaction.responded) await interaction.respond([]);
    return error instanceof PermissionError
      ? 'denied'
      : error instanceof UserError
        ? 'user-error'
        : 'error';
  }
}

interface InteractionResponder extends Responder {
  /** Whether the user has seen an answer (not just a deferral). */
  readonly answered: boolean;
  /** Tells the user, privately, that it failed; never throws. */
  fail(message: string): Promise<void>;
  /** Defers now rather than after `deferAfterMs` (when the bot is busy). */
  deferNow(): Promise<void>;
  dispose(): void;
}

/**
 * Answers directly when the work is fast, and defers after `deferAfterMs` when it is not, so
 * Discord's 3 s deadline is met without a "thinking…" flash on every reply. The deferral is
 * ephemeral exactly when the reply will be, as a deferral's visibility cannot change later.
 */
function createResponder(
  interaction: Answerable,
  {
    ephemeral,
    deferAfterMs,
    logger,
    onMessage,
  }: {
    ephemeral: boolean;
    deferAfterMs: number;
    logger: Logger;
    /** Answers on the message it came from: buttons (the default), modals opened by one. */
    onMessage?: boolean;
  },
): InteractionResponder {
  const isButton = onMessage ?? interaction.isButton();
  let state: 'fresh' | 'deferred' | 'answered' = 'fresh';
  let deferral: Promise<unknown> | undefined;
  const defer = () => {
    clearTimeout(timer);
    if (deferral || state !== 'fresh') return;
    deferral = isButton
      ? (interaction as ButtonInteraction).deferUpdate()
      : interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    deferral.then(
      () => {
        if (state === 'fresh') state = 'deferred';
      },
      () => {},
    );
  };
  const timer = setTimeout(defer, deferAfterMs);

  /** Stops a deferral that has not started; waits for one that has. */
  async function settle(): Promise<void> {
    clearTimeout(timer);
    if (deferral) await deferral;
  }

  async function reply(payload: MessagePayload): Promise<void> {
    await settle();
    if (state === 'fresh') {
      await interaction.reply(toReply(payload));
    } else if (state === 'answered' || isButton) {
      await interaction.followUp(toReply(payload));
    } else if (isEphemeral(payload) === ephemeral) {
      await interaction.editReply(toEdit(payload));
    } else {
      // The deferral's visibility is fixed: replace it. Deleting first keeps Discord from
      // turning the follow-up into an edit of the loading message.
      await interaction.deleteReply();
      await interaction.followUp(toReply(payload));
    }
    state = 'answered';
  }

  return {
    get answered() {
      return state === 'answered';
    },
    reply,
    async update(payload: UpdatePayload): Promise<void> {
      if (!isButton) throw new Error('update() answers buttons only');
      await settle();
      const button = interaction as ButtonInteraction;
      if (state === 'fresh') await button.update(toUpdate(payload));
      else await button.editReply(toEdit(payload));
      state = 'answered';
    },
    async showModal(modal: APIModalInteractionResponseCallbackData): Promise<void> {
      if (interaction.isModalSubmit()) throw new Error('a modal cannot open another modal');
      await settle();
      // Discord accepts a modal only as the first answer: a deferral would make this fail.
      if (state !== 'fresh') throw new Error('showModal() must come before any other answer');
      await interaction.showModal(modal);
      state = 'answered';
    },
    async fail(message: string): Promise<void> {
      try {
        await settle().catch(() => {});
        await reply(privateNotice(message));
      } catch (error) {
        // Nothing more can reach the user (the token may have expired); the log must say so.
        logger.error({ err: error }, 'could not tell the user about a failure');
      }
    },
    async deferNow(): Promise<void> {
      defer();
      await settle();
    },
    dispose(): void {
      clearTimeout(timer);
    },
  };
}

function toReply(payload: MessagePayload): InteractionReplyOptions {
  return {
    ...(payload.content !== undefined ? { content: payload.content } : {}),
    embeds: payload.embeds,
    components: payload.components,
    allowedMentions: payload.allowedMentions,
    ...(payload.flags ? { flags: payload.flags as InteractionReplyOptions['flags'] } : {}),
  };
}

function toEdit(payload: UpdatePayload & { content?: string }): InteractionEditReplyOptions {
  return {
    ...(payload.content !== undefined ? { content: payload.content } : {}),
    embeds: payload.embeds,
    components: payload.components,
    allowedMentions: payload.allowedMentions,
  };
}

function toUpdate(payload: UpdatePayload): InteractionUpdateOptions {
  return {
    embeds: payload.embeds,
    components: payload.components,
    allowedMentions: payload.allowedMentions,
  };
}
