import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
} from 'discord.js';
import { DISCORD_LIMITS } from '../limits.ts';
import { codePointLength } from '../text.ts';
import { truncate } from '../../core/text.ts';

/** Nobody is pinged: not users, roles, @everyone or @here, whatever the text says. */
export interface AllowedMentions {
  parse: [];
  /** The one member a reply is addressed to (`/ask for:`), the only ping ever allowed. */
  users?: string[];
}

export const NO_MENTIONS: AllowedMentions = Object.freeze({ parse: [] }) as AllowedMentions;

/**
 * A message as plain data: what a renderer returns and the dispatcher sends. No discord.js
 * client is needed to build or test it.
 */
export interface MessagePayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowedMentions: AllowedMentions;
  /** `MessageFlags.Ephemeral` and/or `MessageFlags.SuppressEmbeds`. */
  flags?: number;
}

/** What replaces the message a button sits on: its content stays as it was unless given. */
export type UpdatePayload = Omit<MessagePayload, 'flags'>;

export const EPHEMERAL = MessageFlags.Ephemeral;

/**
 * Whether a payload is only for the person who asked.
 *
 * @example
 * isEphemeral({ flags: MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds }); // true
 */
export function isEphemeral(payload: Pick<MessagePayload, 'flags'>): boolean {
  return ((payload.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}

/**
 * A short private message: user errors, refusals and the generic failure line.
 *
 * @example
 * privateNotice('Please type a question.'); // { content: 'Please type a question.', flags: 64, … }
 */
export function privateNotice(content: string): MessagePayload {
  return {
    content,
    embeds: [],
    components: [],
    allowedMentions: NO_MENTIONS,
    flags: MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds,
  };
}

/**
 * A row of buttons (at most `DISCORD_LIMITS.buttonsPerRow`, labels cut to
 * `DISCORD_LIMITS.buttonLabel`); callers keep custom ids unique.
 *
 * @example
 * buttonRow([{ customId: customId('ask', 'page', '2'), label: 'More sources' }]);
 */
export function buttonRow(
  buttons: ReadonlyArray<{
    customId: string;
    label: string;
    style?: APIButtonComponentWithCustomId['style'];
    disabled?: boolean;
  }>,
): APIActionRowComponent<APIButtonComponentWithCustomId> {
  return {
    type: ComponentType.ActionRow,
    components: buttons.slice(0, DISCORD_LIMITS.buttonsPerRow).map((button) => ({
      type: ComponentType.Button,
      custom_id: button.customId,
      label: truncate(button.label, DISCORD_LIMITS.buttonLabel),
      style: button.style ?? ButtonStyle.Secondary,
      ...(button.disabled ? { disabled: true } : {}),
    })),
  };
}

/**
 * What Discord counts towards the 6000-character total of a message's embeds.
 *
 * @example
 * embedLength({ title: 'Covid-19', description: 'Passports' }); // 17
 */
export function embedLength(embed: APIEmbed): number {
  return (
    codePointLength(embed.title ?? '') +
    codePointLength(embed.description ?? '') +
    codePointLength(embed.footer?.text ?? '') +
    codePointLength(embed.author?.name ?? '') +
    (embed.fields ?? []).reduce(
      (sum, field) => sum + codePointLength(field.name) + codePointLength(field.value),
      0,
    )
  );
}
