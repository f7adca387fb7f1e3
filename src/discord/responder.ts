import {
  MessageFlags,
  type APIModalInteractionResponseCallbackData,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type InteractionUpdateOptions,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Responder } from './command.ts';
import {
  isEphemeral,
  privateNotice,
  type MessagePayload,
  type UpdatePayload,
} from './render/payload.ts';

/** The interactions answered through a responder: commands, buttons and modal submissions. */
export type Answerable =
  | ChatInputCommandInteraction
  | MessageContextMenuCommandInteraction
  | ButtonInteraction
  | ModalSubmitInteraction;

/** The responder as the dispatcher sees it: the handler's `Responder` plus its life cycle. */
export interface InteractionResponder extends Responder {
  /** Whether the user has seen an answer (not just a deferral). */
  readonly answered: boolean;
  /** Tells the user, privately, that it failed; never throws. */
  fail(message: string): Promise<void>;
  /** Defers now rather than after `deferAfterMs` (when the bot is busy). */
  deferNow(): Promise<void>;
  dispose(): void;
}

export interface ResponderOptions {
  /** Whether the reply will be private: a deferral's visibility cannot change later. */
  ephemeral: boolean;
  deferAfterMs: number;
  logger: Logger;
  /** Answers on the message it came from: buttons, and modals opened by one. */
  onMessage: boolean;
}

/**
 * The state machine behind every answer (fresh → deferred → answered): answers directly when the
 * work is fast, and defers after `deferAfterMs` when it is not, so Discord's 3 s deadline is met
 * without a "thinking…" flash on every reply. The deferral is ephemeral exactly when the reply
 * will be, as a deferral's visibility cannot change later.
 *
 * @example
 * const respond = createResponder(interaction, { ephemeral: false, deferAfterMs: 1500, logger, onMessage: false });
 * await respond.reply(renderAnswer(answer)); // reply() if fast, editReply() after a deferral
 * respond.dispose();
 */
export function createResponder(
  interaction: Answerable,
  { ephemeral, deferAfterMs, logger, onMessage }: ResponderOptions,
): InteractionResponder {
  let state: 'fresh' | 'deferred' | 'answered' = 'fresh';
  let deferral: Promise<unknown> | undefined;
  const defer = () => {
    clearTimeout(timer);
    if (deferral || state !== 'fresh') return;
    deferral = onMessage
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
    } else if (state === 'answered' || onMessage) {
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
      if (!onMessage) throw new Error('update() answers buttons only');
      await settle();
      const button = interaction as ButtonInteraction;
      if (state === 'fresh') await button.update(toEdit(payload));
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
    ...(payload.flags ? { flags: payload.flags } : {}),
  };
}

/** What replaces a message: a button's update, or the edit of a deferral (the same fields). */
function toEdit(payload: UpdatePayload): InteractionEditReplyOptions & InteractionUpdateOptions {
  return {
    ...(payload.content !== undefined ? { content: payload.content } : {}),
    embeds: payload.embeds,
    components: payload.components,
    allowedMentions: payload.allowedMentions,
  };
}
