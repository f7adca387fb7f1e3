import type { AutocompleteInteraction, Interaction } from 'discord.js';
import type { Logger } from 'pino';
import type { Footnote } from '../core/api.ts';
import { UserError } from '../core/errors.ts';
import type { CorpusService } from '../corpus/corpus-service.ts';
import type { Feedback } from '../store/feedback.ts';
import type { AnyCommand, CommandContext, CommandRegistry } from './command.ts';
import { admit, type Cooldowns } from './cooldown.ts';
import { requireAccess } from './guard.ts';
import { DEFER_AFTER_MS } from './limits.ts';
import { createResponder, type Answerable, type InteractionResponder } from './responder.ts';
import { outcomeOf, UnknownError, type InteractionSummary, type Outcome } from './outcome.ts';
import { addressOf, routeTable, type RouteKind } from './routes.ts';
import { TurnQueue } from './turn-queue.ts';
import { guildScope } from '../core/scope.ts';

export type { InteractionSummary, Outcome } from './outcome.ts';

/** The one line anyone sees when something unexpected fails. Details go to the log only. */
export const GENERIC_ERROR = 'Something went wrong on my side; the error was logged.';

export interface DispatcherOptions extends Partial<Pick<CommandRegistry, 'messageCommands'>> {
  commands: CommandRegistry['commands'];
  corpus: Footnote;
  logger: Logger;
  /** Votes on answers and the gaps list. */
  feedback?: Feedback | undefined;
  /** Adding and removing documents, for /corpus. */
  corpusService?: CorpusService | undefined;
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

/**
 * Above this many interactions in hand at once, a new one is deferred on arrival and its work
 * waits its turn. The work is mostly synchronous (a search takes 1 to 20 ms), so in a burst of
 * 200 questions the last would wait for all the others, past Discord's 3 s, before even its
 * deferral timer could fire. Below it, answers go out directly, without a "thinking…" flash.
 */
export const BUSY_THRESHOLD = 8;

/** What a user sees for a route this bot does not (or no longer) know. */
const UNKNOWN_ROUTE: Partial<Record<RouteKind, string>> = {
  command: 'I no longer know this command. Try /help.',
  'message-command': 'I no longer know this command. Try /help.',
  button: 'This button no longer works. Run the command again.',
  modal: 'This form no longer works. Run the command again.',
};

/**
 * Routes every interaction through the route table (`routes.ts`) and wraps every route the same
 * way: guard, cooldown, deferral when busy, one answer inside Discord's deadline. A user error
 * becomes a friendly ephemeral message, anything else is logged with its context and answered
 * with `GENERIC_ERROR`. Logs one line per interaction. The returned function never rejects.
 */
export function createDispatcher(
  options: DispatcherOptions,
): (interaction: Interaction) => Promise<void> {
  const messageCommands = options.messageCommands ?? [];
  const routes = routeTable({ commands: options.commands, messageCommands });
  const autocompletes = new Map(options.commands.map((command) => [command.data.name, command]));
  const deferAfterMs = options.deferAfterMs ?? DEFER_AFTER_MS;
  const busyThreshold = options.busyThreshold ?? BUSY_THRESHOLD;
  let inHand = 0;
  const turns = new TurnQueue();

  return async (interaction) => {
    const started = performance.now();
    inHand += 1;
    const busy = inHand > busyThreshold;
    const { kind, name, args, onMessage } = addressOf(interaction);
    // Every line about this interaction carries its context; question text stays at debug level.
    const logger = options.logger.child({
      interactionId: interaction.id,
      kind,
      command: name,
      guild: interaction.guildId ?? 'dm',
    });
    const context = {
      corpus: options.corpus,
      logger,
      guildId: interaction.guildId ?? undefined,
      scope: interaction.guildId ? guildScope(interaction.guildId) : undefined,
      commands: options.commands,
      corpusService: options.corpusService,
      moderatorRoles: options.moderatorRoles,
      feedback: options.feedback,
      messageCommands,
    };
    let outcome: Outcome = 'unknown';
    let answered = true;
    try {
      if (kind === 'autocomplete') {
        const typing = interaction as AutocompleteInteraction;
        outcome = await autocomplete(typing, autocompletes.get(name), context);
        answered = typing.responded;
      } else if (kind !== 'other') {
        const answerable = interaction as Answerable;
        const route = routes.get(`${kind} ${name}`);
        const respond = createResponder(answerable, {
          ephemeral: route?.isPrivate(answerable) ?? true,
          deferAfterMs,
          logger,
          onMessage,
        });
        outcome = await answer(respond, logger, async () => {
          if (!route) throw new UnknownError(UNKNOWN_ROUTE[kind] ?? GENERIC_ERROR);
          requireAccess(route.guardedBy, answerable, options.moderatorRoles);
          admit(options.cooldowns, name, answerable);
          if (busy && !route.opensModal(answerable)) {
            // Acknowledge at once, then work when it is this interaction's turn.
            void respond.deferNow().catch(() => {});
            await turns.next();
          }
          await route.run(answerable, args, { ...context, respond });
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

/** Runs a route's work and turns how it ended into one answer and an outcome. */
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
    if (!(error instanceof UserError)) {
      logger.error({ err: error }, 'command failed');
      await responder.fail(GENERIC_ERROR);
      return 'error';
    }
    await responder.fail(error.message);
    return outcomeOf(error);
  } finally {
    responder.dispose();
  }
}

/** Autocomplete answers with choices, never a message: an empty list when anything fails. */
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
    requireAccess(command, interaction, context.moderatorRoles);
    await interaction.respond(await command.autocomplete(interaction, context));
    return 'ok';
  } catch (error) {
    if (!(error instanceof UserError)) context.logger.error({ err: error }, 'autocomplete failed');
    // An empty list still answers, so the user sees "no options" rather than a spinner.
    if (!interaction.responded) await interaction.respond([]);
    return error instanceof UserError ? outcomeOf(error) : 'error';
  }
}
