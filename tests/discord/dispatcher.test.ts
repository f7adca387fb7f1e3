import {
  ApplicationCommandOptionType,
  MessageFlags,
  PermissionFlagsBits,
  PermissionsBitField,
  type Interaction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { defineCommand, type AnyCommand } from '../../src/discord/command.ts';
import { createDispatcher, GENERIC_ERROR } from '../../src/discord/dispatcher.ts';
import { privateNotice } from '../../src/discord/render/payload.ts';
import { createLogger } from '../../src/logger.ts';
import { MemoryFootnote } from './helpers.ts';

/** What the fake interaction was asked to do, in order, with the options it got. */
type Call = [method: string, options?: unknown];

interface FakeOptions {
  kind: 'command' | 'button' | 'autocomplete';
  name?: string;
  values?: Record<string, unknown>;
  customId?: string;
  permissions?: bigint | null;
  /** Makes this method reject, as Discord would with an API error. */
  failing?: string;
}

/** A stand-in for a discord.js interaction: only the surface the dispatcher touches. */
function fakeInteraction(options: FakeOptions): { interaction: Interaction; calls: Call[] } {
  const calls: Call[] = [];
  const state = { deferred: false, replied: false, responded: false };
  const act = (method: string, after?: () => void) => async (value?: unknown) => {
    calls.push(value === undefined ? [method] : [method, value]);
    if (options.failing === method)
      throw new Error(`${method} failed: 400 on /interactions/1/secret-token/callback`);
    after?.();
  };
  const get = (name: string, required?: boolean) => {
    const value = options.values?.[name];
    if (value === undefined && required) throw new Error(`missing ${name}`);
    return value ?? null;
  };
  const interaction = {
    id: '1',
    guildId: '100',
    commandName: options.name ?? 'test',
    customId: options.customId ?? '',
    message: { content: '' },
    memberPermissions:
      options.permissions === null ? null : new PermissionsBitField(options.permissions ?? 0n),
    get deferred() {
      return state.deferred;
    },
    get replied() {
      return state.replied;
    },
    get responded() {
      return state.responded;
    },
    isAutocomplete: () => options.kind === 'autocomplete',
    isChatInputCommand: () => options.kind === 'command',
    isButton: () => options.kind === 'button',
    options: {
      getString: get,
      getBoolean: get,
      getUser: get,
      getInteger: get,
      getNumber: get,
      getFocused: () => options.values?.['focused'] ?? '',
    },
    reply: act('reply', () => (state.replied = true)),
    deferReply: act('deferReply', () => (state.deferred = true)),
    deferUpdate: act('deferUpdate', () => (state.deferred = true)),
    update: act('update', () => (state.replied = true)),
    editReply: act('editReply'),
    followUp: act('followUp'),
    deleteReply: act('deleteReply'),
    respond: act('respond', () => (state.responded = true)),
  };
  return { interaction: interaction as unknown as Interaction, calls };
}

/** Work that lasts `ms` on the clock: fake time, moved on by `onFakeTime`. */
function takes(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `body` on vitest's fake timers, moving the clock on until everything due has run: a
 * handler that `takes(60)` outlasts a 20 ms deferral deadline without the test waiting at all.
 */
async function onFakeTime(body: () => Promise<void>): Promise<void> {
  vi.useFakeTimers();
  try {
    const done = body();
    await vi.runAllTimersAsync();
    await done;
  } finally {
    vi.useRealTimers();
  }
}

function setup(commands: AnyCommand[], deferAfterMs = 1500) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('debug', {
    write: (line: string) => void lines.push(JSON.parse(line)),
  });
  const dispatch = createDispatcher({
    commands,
    corpus: new MemoryFootnote([]),
    logger,
    deferAfterMs,
  });
  const summary = () => lines.find((line) => line['msg'] === 'interaction');
  return { dispatch, lines, summary };
}

const data = {
  name: 'test',
  description: 'A command for tests',
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'text',
      description: 'Some text',
      required: true,
    },
    { type: ApplicationCommandOptionType.Boolean, name: 'hide', description: 'Private' },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function command(
  execute: (
    args: { text: string; hide: boolean | undefined },
    respond: (content: string, flags?: number) => Promise<void>,
  ) => Promise<void>,
  extra: Partial<AnyCommand> = {},
): AnyCommand {
  return defineCommand({
    data,
    isPrivate: (args) => args.hide ?? false,
    async execute(args, _interaction, { respond }) {
      await execute(args, (content, flags) =>
        respond.reply({ ...privateNotice(content), flags: flags ?? 0 }),
      );
    },
    ...extra,
  });
}

const ephemeral = MessageFlags.Ephemeral;

describe('the dispatcher: answering', () => {
  it('replies directly when the work is fast, with typed arguments from the definition', async () => {
    const { dispatch, summary } = setup([command((args, respond) => respond(`echo ${args.text}`))]);
    const { interaction, calls } = fakeInteraction({ kind: 'command', values: { text: 'hi' } });
    await dispatch(interaction);
    expect(calls).toEqual([
      ['reply', expect.objectContaining({ content: 'echo hi', allowedMentions: { parse: [] } })],
    ]);
    expect(summary()).toMatchObject({
      kind: 'command',
      command: 'test',
      guild: '100',
      outcome: 'ok',
    });
    expect(summary()?.['latencyMs']).toEqual(expect.any(Number));
  });

  it('defers slow work before the deadline, then edits the deferral', async () => {
    const { dispatch } = setup(
      [command(async (_, respond) => (await takes(60), respond('late')))],
      20,
    );
    const { interaction, calls } = fakeInteraction({ kind: 'command', values: { text: 'x' } });
    await onFakeTime(() => dispatch(interaction));
    expect(calls.map(([method]) => method)).toEqual(['deferReply', 'editReply']);
    expect(calls[0]?.[1]).toEqual({});
    expect(calls[1]?.[1]).toMatchObject({ content: 'late' });
  });

  it('defers privately when the reply will be private', async () => {
    const { dispatch } = setup(
      [command(async (_, respond) => (await takes(60), respond('secret', ephemeral)))],
      20,
    );
    const { interaction, calls } = fakeInteraction({
      kind: 'command',
      values: { text: 'x', hide: true },
    });
    await onFakeTime(() => dispatch(interaction));
    expect(calls).toEqual([
      ['deferReply', { flags: ephemeral }],
      ['editReply', expect.objectContaining({ content: 'secret' })],
    ]);
  });

  it('replaces a public deferral with a private follow-up when the reply turns out private', async () => {
    const { dispatch } = setup(
      [command(async (_, respond) => (await takes(60), respond('secret', ephemeral)))],
      20,
    );
    const { interaction, calls } = fakeInteraction({ kind: 'command', values: { text: 'x' } });
    await onFakeTime(() => dispatch(interaction));
    expect(calls.map(([method]) => method)).toEqual(['deferReply', 'deleteReply', 'followUp']);
    expect(calls[2]?.[1]).toMatchObject({ content: 'secret', flags: ephemeral });
  });
});

describe('the dispatcher: errors', () => {
  it('shows a user error privately, as written', async () => {
    const { dispatch, summary } = setup([
      command(async () => {
        throw new UserError('Please type a question.');
      }),
    ]);
    const { interaction, calls } = fakeInteraction({ kind: 'command', values: { text: ' ' } });
    await dispatch(interaction);
    expect(calls).toEqual([
      [
        'reply',
        expect.objectContaining({
          content: 'Please type a question.',
          flags: ephemeral | MessageFlags.SuppressEmbeds,
        }),
      ],
    ]);
    expect(summary()).toMatchObject({ outcome: 'user-error' });
  });

  it('answers anything unexpected with one generic line and logs it with its context', async () => {
    const { dispatch, lines, summary } = setup([
      command(async () => {
        throw new TypeError('internal detail at /srv/x.ts:12');
      }),
    ]);
    const { interaction, calls } = fakeInteraction({ kind: 'command', values: { text: 'x' } });
    await dispatch(interaction);
    expect(calls).toEqual([
      [
        'reply',
        expect.objectContaining({
          content: GENERIC_ERROR,
          flags: ephemeral | MessageFlags.SuppressEmbeds,
        }),
      ],
    ]);
    expect(JSON.stringify(calls)).not.toContain('internal detail');
    const logged = lines.find((line) => line['msg'] === 'command failed');
    expect(logged).toMatchObject({
      level: 50,
      interactionId: '1',
      err: { type: 'TypeError', message: 'internal detail at /srv/x.ts:12' },
    });
    expect(summary()).toMatchObject({ outcome: 'error' });
  });

  it('replaces a public deferral with the private error line', async () => {
    const { dispatch } = setup(
      [
        command(async () => {
          await takes(60);
          throw new Error('boom');
        }),
      ],
      20,
    );
    const { interaction, calls } = fakeInteraction({ kind: 'command', values: { text: 'x' } });
    await onFakeTime(() => dispatch(interaction));
    expect(calls.map(([method]) => method)).toEqual(['deferReply', 'deleteReply', 'followUp']);
    expect(calls[2]?.[1]).toMatchObject({
      content: GENERIC_ERROR,
      flags: ephemeral | MessageFlags.SuppressEmbeds,
    });
  });

  it('edits a private deferral into the error line', async () => {
    const { dispatch } = setup(
      [
        command(async () => {
          await takes(60);
          throw new Error('boom');
        }),
      ],
      20,
    );
    const { interaction, calls } = fakeInteraction({
      kind: 'command',
      values: { text: 'x', hide: true },
    });
    await onFakeTime(() => dispatch(interaction));
    expect(calls.map(([method]) => method)).toEqual(['deferReply', 'editReply']);
    expect(calls[1]?.[1]).toMatchObject({ content: GENERIC_ERROR });
  });

  it('treats a handler that never answers as a bug', async () => {
    const { dispatch, summary } = setup([command(async () => {})]);
    const { interaction, calls } = fakeInteraction({ kind: 'command', values: { text: 'x' } });
    await dispatch(interaction);
    expect(calls).toEqual([['reply', expect.objectContaining({ content: GENERIC_ERROR })]]);
    expect(summary()).toMatchObject({ outcome: 'error' });
  });

  it('never rejects, even when Discord refuses the answer, and keeps tokens out of the log', async () => {
    const { dispatch, lines } = setup([command((_, respond) => respond('hi'))]);
    const { interaction, calls } = fakeInteraction({
      kind: 'command',
      values: { text: 'x' },
      failing: 'reply',
    });
    await expect(dispatch(interaction)).resolves.toBeUndefined();
    expect(calls.map(([method]) => method)).toEqual(['reply', 'reply']);
    expect(lines.some((line) => line['msg'] === 'could not tell the user about a failure')).toBe(
      true,
    );
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });

  it('answers a command it does not know', async () => {
    const { dispatch, summary } = setup([]);
    const { interaction, calls } = fakeInteraction({ kind: 'command', name: 'gone' });
    await dispatch(interaction);
    expect(calls).toEqual([
      [
        'reply',
        expect.objectContaining({
          content: expect.stringContaining('no longer know'),
          flags: ephemeral | MessageFlags.SuppressEmbeds,
        }),
      ],
    ]);
    expect(summary()).toMatchObject({ outcome: 'unknown', command: 'gone' });
  });
});

describe('the dispatcher: permission guard', () => {
  const guarded = () =>
    command((_, respond) => respond('done'), {
      requiredPermission: PermissionFlagsBits.ManageGuild,
    });

  it('refuses a member without the permission, whatever Discord showed', async () => {
    const { dispatch, summary } = setup([guarded()]);
    const { interaction, calls } = fakeInteraction({
      kind: 'command',
      values: { text: 'x' },
      permissions: PermissionFlagsBits.SendMessages,
    });
    await dispatch(interaction);
    expect(calls).toEqual([
      [
        'reply',
        expect.objectContaining({
          content: 'You need the Manage Server permission to use this.',
          flags: ephemeral | MessageFlags.SuppressEmbeds,
        }),
      ],
    ]);
    expect(summary()).toMatchObject({ outcome: 'denied' });
  });

  it('fails closed where there are no member permissions (a DM)', async () => {
    const { dispatch } = setup([guarded()]);
    const { interaction, calls } = fakeInteraction({
      kind: 'command',
      values: { text: 'x' },
      permissions: null,
    });
    await dispatch(interaction);
    expect(calls[0]?.[1]).toMatchObject({ content: expect.stringContaining('You need') });
  });

  it('lets a member with the permission through', async () => {
    const { dispatch } = setup([guarded()]);
    const { interaction, calls } = fakeInteraction({
      kind: 'command',
      values: { text: 'x' },
      permissions: PermissionFlagsBits.ManageGuild,
    });
    await dispatch(interaction);
    expect(calls[0]?.[1]).toMatchObject({ content: 'done' });
  });
});

describe('the dispatcher: buttons and autocomplete', () => {
  const withButton = command((_, respond) => respond('x'), {
    buttons: {
      page: async (args, _interaction, { respond }) => {
        if (args[0] === 'slow') await takes(60);
        await respond.update({
          embeds: [{ title: `page ${args[0]}` }],
          components: [],
          allowedMentions: { parse: [] },
        });
      },
    },
  });

  it('routes a button by its custom id and updates the message', async () => {
    const { dispatch, summary } = setup([withButton]);
    const { interaction, calls } = fakeInteraction({ kind: 'button', customId: 'test:page:2' });
    await dispatch(interaction);
    expect(calls).toEqual([
      ['update', { embeds: [{ title: 'page 2' }], components: [], allowedMentions: { parse: [] } }],
    ]);
    expect(summary()).toMatchObject({ kind: 'button', command: 'test:page', outcome: 'ok' });
  });

  it('defers a slow button with a deferred update, then edits the message', async () => {
    const { dispatch } = setup([withButton], 20);
    const { interaction, calls } = fakeInteraction({ kind: 'button', customId: 'test:page:slow' });
    await onFakeTime(() => dispatch(interaction));
    expect(calls.map(([method]) => method)).toEqual(['deferUpdate', 'editReply']);
  });

  it('answers a button it does not know privately', async () => {
    const { dispatch } = setup([withButton]);
    const { interaction, calls } = fakeInteraction({ kind: 'button', customId: 'old-bot-button' });
    await dispatch(interaction);
    expect(calls).toEqual([
      [
        'reply',
        expect.objectContaining({
          content: expect.stringContaining('no longer works'),
          flags: ephemeral | MessageFlags.SuppressEmbeds,
        }),
      ],
    ]);
  });

  it("responds with the choices of a command's autocomplete", async () => {
    const { dispatch } = setup([
      command((_, respond) => respond('x'), {
        autocomplete: async () => [{ name: 'One', value: 'one' }],
      }),
    ]);
    const { interaction, calls } = fakeInteraction({ kind: 'autocomplete' });
    await dispatch(interaction);
    expect(calls).toEqual([['respond', [{ name: 'One', value: 'one' }]]]);
  });

  it('responds with no choices when autocomplete fails, and logs why', async () => {
    const { dispatch, lines, summary } = setup([
      command((_, respond) => respond('x'), {
        autocomplete: async () => {
          throw new Error('index gone');
        },
      }),
    ]);
    const { interaction, calls } = fakeInteraction({ kind: 'autocomplete' });
    await dispatch(interaction);
    expect(calls).toEqual([['respond', []]]);
    expect(lines.find((line) => line['msg'] === 'autocomplete failed')).toMatchObject({
      err: { message: 'index gone' },
    });
    expect(summary()).toMatchObject({ kind: 'autocomplete', outcome: 'error' });
  });
});
