import {
  MessageFlags,
  PermissionFlagsBits,
  PermissionsBitField,
  type Interaction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { defineCommand, type AnyCommand } from '../../src/discord/command.ts';
import { createDispatcher } from '../../src/discord/dispatcher.ts';
import { privateNotice } from '../../src/discord/render/payload.ts';
import { createLogger } from '../../src/logger.ts';
import { MemoryFootnote } from './helpers.ts';

type Call = [method: string, options?: unknown];

/** A discord.js interaction reduced to what the dispatcher touches, for modals and their openers. */
function fakeInteraction(options: {
  kind: 'command' | 'button' | 'modal';
  customId?: string;
  fromMessage?: boolean;
  permissions?: bigint;
  roles?: string[];
}): { interaction: Interaction; calls: Call[] } {
  const calls: Call[] = [];
  const act = (method: string) => async (value?: unknown) => {
    calls.push(value === undefined ? [method] : [method, value]);
  };
  const interaction = {
    id: '1',
    guildId: '100',
    commandName: 'forms',
    customId: options.customId ?? '',
    user: { id: '7' },
    member: { roles: options.roles ?? [] },
    memberPermissions: new PermissionsBitField(
      options.permissions ?? PermissionFlagsBits.ManageGuild,
    ),
    message: { content: '' },
    fields: { getTextInputValue: (id: string) => `typed ${id}` },
    isAutocomplete: () => false,
    isChatInputCommand: () => options.kind === 'command',
    isButton: () => options.kind === 'button',
    isModalSubmit: () => options.kind === 'modal',
    isFromMessage: () => options.fromMessage ?? false,
    isMessageContextMenuCommand: () => false,
    options: { getString: () => null, getBoolean: () => null, getSubcommand: () => null },
    reply: act('reply'),
    deferReply: act('deferReply'),
    deferUpdate: act('deferUpdate'),
    update: act('update'),
    editReply: act('editReply'),
    followUp: act('followUp'),
    deleteReply: act('deleteReply'),
    showModal: act('showModal'),
  };
  return { interaction: interaction as unknown as Interaction, calls };
}

const MODAL = { custom_id: 'forms:submit', title: 'A form', components: [] };

const forms = defineCommand({
  data: {
    name: 'forms',
    description: 'Opens a form',
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  } as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody,
  requiredPermission: PermissionFlagsBits.ManageGuild,
  isPrivate: () => true,
  opensModal: () => true,
  async execute(_args, _interaction, { respond }) {
    await respond.showModal(MODAL);
  },
  buttons: {
    async edit(_args, _interaction, { respond }) {
      await respond.showModal(MODAL);
    },
  },
  modals: {
    async submit(args, interaction, { respond }) {
      if (args[0] === 'bad') throw new UserError('The date must be YYYY-MM-DD.');
      const text = interaction.fields.getTextInputValue('title');
      if (interaction.isFromMessage())
        await respond.update({
          embeds: [{ title: text }],
          components: [],
          allowedMentions: { parse: [] },
        });
      else await respond.reply(privateNotice(text));
    },
  },
}) as AnyCommand;

function setup(extra: { busyThreshold?: number; moderatorRoles?: string[] } = {}) {
  return createDispatcher({
    commands: [forms],
    corpus: new MemoryFootnote([]),
    logger: createLogger('silent'),
    ...extra,
  });
}

describe('the dispatcher: modals', () => {
  it('routes a submission by its custom id and replies to one opened by a command', async () => {
    const { interaction, calls } = fakeInteraction({ kind: 'modal', customId: 'forms:submit' });
    await setup()(interaction);
    expect(calls).toEqual([['reply', expect.objectContaining({ content: 'typed title' })]]);
  });

  it('updates the message a form opened by a button came from', async () => {
    const { interaction, calls } = fakeInteraction({
      kind: 'modal',
      customId: 'forms:submit',
      fromMessage: true,
    });
    await setup()(interaction);
    expect(calls).toEqual([
      ['update', expect.objectContaining({ embeds: [{ title: 'typed title' }] })],
    ]);
  });

  it('shows a user error privately as a new message, leaving the message as it was', async () => {
    const { interaction, calls } = fakeInteraction({
      kind: 'modal',
      customId: 'forms:submit:bad',
      fromMessage: true,
    });
    await setup()(interaction);
    expect(calls).toEqual([
      [
        'reply',
        expect.objectContaining({
          content: 'The date must be YYYY-MM-DD.',
          flags: MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds,
        }),
      ],
    ]);
  });

  it('guards submissions like commands: refused without the permission or a listed role', async () => {
    const refused = fakeInteraction({
      kind: 'modal',
      customId: 'forms:submit',
      permissions: PermissionFlagsBits.SendMessages,
    });
    await setup({ moderatorRoles: ['55'] })(refused.interaction);
    expect(refused.calls).toEqual([
      [
        'reply',
        expect.objectContaining({
          content: 'You need the Manage Server permission or a moderator role to use this.',
        }),
      ],
    ]);
    const listed = fakeInteraction({
      kind: 'modal',
      customId: 'forms:submit',
      permissions: PermissionFlagsBits.SendMessages,
      roles: ['55'],
    });
    await setup({ moderatorRoles: ['55'] })(listed.interaction);
    expect(listed.calls[0]?.[1]).toMatchObject({ content: 'typed title' });
  });

  it('answers a form it does not know', async () => {
    const { interaction, calls } = fakeInteraction({ kind: 'modal', customId: 'gone:submit' });
    await setup()(interaction);
    expect(calls[0]?.[1]).toMatchObject({
      content: 'This form no longer works. Run the command again.',
    });
  });

  it('defers first when busy, which is why a modal opener must say so', async () => {
    const { interaction, calls } = fakeInteraction({ kind: 'command' });
    const dispatch = createDispatcher({
      commands: [{ ...forms, opensModal: undefined }],
      corpus: new MemoryFootnote([]),
      logger: createLogger('silent'),
      busyThreshold: 0,
    });
    await dispatch(interaction);
    expect(calls.map(([method]) => method)).toEqual(['deferReply', 'editReply']);
    expect(calls[1]?.[1]).toMatchObject({ content: expect.stringContaining('went wrong') });
  });

  it.each([
    ['a command', { kind: 'command' as const }],
    ['a button', { kind: 'button' as const, customId: 'forms:edit' }],
  ])('opens a modal from %s without deferring first, even when busy', async (_, options) => {
    const { interaction, calls } = fakeInteraction(options);
    await setup({ busyThreshold: 0 })(interaction);
    expect(calls).toEqual([['showModal', MODAL]]);
  });
});
