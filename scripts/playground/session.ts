/**
 * The playground's engine: the local Discord stand-in (`tests/fake-discord/`) and the real bot
 * (`runBot`, what `npm start` runs with a token) in this process, on 127.0.0.1, and one method
 * that runs a typed line against them and returns what to print.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { registry } from '../../commands/index.ts';
import { runBot, type RunningFootnote } from '../../src/app/run.ts';
import {
  FakeDiscord,
  type FakeMessage,
  type InteractionRecord,
} from '../../tests/fake-discord/fake-discord.mjs';
import { parseLine, type CommandShape, type PlaygroundCommand } from './parse.ts';
import {
  buttonLabel,
  buttonsOf,
  formFields,
  PLAIN,
  renderInteraction,
  type TerminalStyle,
} from './render.ts';

/** Settings a person may pass through to the bot; the Discord ones point at the stand-in. */
const PASSED_THROUGH = [
  'FOOTNOTE_ASK_LIMIT',
  'FOOTNOTE_ASK_COOLDOWN_SECONDS',
  'FOOTNOTE_STALE_AFTER_DAYS',
  'FOOTNOTE_MODERATOR_ROLES',
  'FOOTNOTE_ALLOW_LOOPBACK_URLS',
  'LOG_LEVEL',
] as const;

/** The stand-in's members: the playground acts as one of them. */
export const MEMBERS = ['moderator', 'member', 'owner'] as const;

const FIND_SOURCES = 'Find sources';
const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.htm': 'text/html',
};

export const HELP = `Type what you would type in Discord, or a playground command:
  /ask question: Which Russian region first introduced Covid-19 passports?
  /ask question: QR codes hide: true        (only you see the answer)
  /source moscow times                     (Tab completes, as Discord's suggestions do)
  /corpus list          /corpus history          /corpus gaps          /help
  /corpus add-text                         (opens a form; fill it in with submit …)
  /corpus add-file file: ./notes.md        (attaches a file from this computer)
  complete /source lavrov                  (the suggestions the bot offers)
  press More sources                       (presses a button on the newest message with it)
  find sources <text>                      (a member's message → Apps → Find sources)
  as member | as moderator | as owner      (who you are; you start as the moderator)
  help                                     quit (or Ctrl+D)`;

export interface PlaygroundOptions {
  /** Where the bot writes; a fresh temporary directory, removed at the end, when absent. */
  dataDir?: string;
  /** The environment to take `PASSED_THROUGH` settings from. */
  env?: Record<string, string | undefined>;
  style?: TerminalStyle;
}

export interface Playground {
  fake: FakeDiscord;
  /** Who the playground acts as (a stand-in member alias). */
  readonly member: string;
  /** The greeting: where the bot runs and who you are. */
  readonly banner: string;
  /** Runs one typed line; `quit` once the person asked to leave. */
  run(line: string): Promise<{ output: string; quit: boolean }>;
  /** Completions for a partly typed line, whole lines (for readline's completer). */
  complete(line: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts the stand-in and the bot, and waits until the bot has registered its commands.
 *
 * @example
 * const playground = await startPlayground();
 * console.log((await playground.run('/ask question: QR codes')).output);
 * await playground.close();
 */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const style = options.style ?? PLAIN;
  const fake = await new FakeDiscord().start();
  const temporary = options.dataDir
    ? undefined
    : await mkdtemp(join(tmpdir(), 'footnote-playground-'));
  const logs: string[] = [];
  let bot: RunningFootnote;
  try {
    bot = await runBot(
      botEnvironment(fake, options.dataDir ?? temporary!, options.env ?? {}),
      registry,
      {
        output: { write: () => true },
        logDestination: { write: (line: string) => void logs.push(line) },
        handleSignals: false,
      },
    );
    await fake.waitForCommand('ask');
  } catch (error) {
    await fake.stop();
    if (temporary) await rm(temporary, { recursive: true, force: true });
    throw error;
  }

  let member: string = MEMBERS[0];
  /** Messages shown so far, oldest first, each in its latest version. */
  const shown = new Map<string, FakeMessage>();
  let openForm: { customId: string; fields: string[] } | undefined;

  const commands = (): CommandShape[] => [
    ...(fake.commands.guild.get(fake.guild.id)?.values() ?? []),
    ...fake.commands.global.values(),
  ];
  const nameOf = (id: string): string =>
    fake.member(id)?.user?.username ?? fake.roles.get(id)?.name ?? fake.channel(id)?.name ?? id;

  const show = (record: InteractionRecord): string => {
    for (const message of record.messages) {
      shown.delete(message.id);
      shown.set(message.id, message);
    }
    if (record.modal) {
      openForm = { customId: record.modal.custom_id, fields: formFields(record.modal) };
    }
    const newLogs = logs.splice(0).map((line) => style.dim(`log: ${logMessage(line)}`));
    return [renderInteraction(record, style, nameOf), ...newLogs].join('\n');
  };

  const execute = async (command: PlaygroundCommand): Promise<string> => {
    switch (command.kind) {
      case 'empty':
      case 'quit':
        return '';
      case 'help':
        return HELP;
      case 'error':
        return command.message;
      case 'as': {
        const alias = command.member.replace(/^@/u, '').toLowerCase();
        if (!fake.member(alias)) return `There is no member "${alias}": try ${MEMBERS.join(', ')}.`;
        member = alias;
        return `You are now @${alias}.`;
      }
      case 'slash': {
        const files = await attachments(command.files);
        return show(
          await fake.sendChatInput({
            name: command.name,
            ...(command.subcommand ? { subcommand: command.subcommand } : {}),
            options: { ...command.options, ...files },
            member,
          }),
        );
      }
      case 'complete':
        return show(
          await fake.sendAutocomplete({
            name: command.name,
            ...(command.subcommand ? { subcommand: command.subcommand } : {}),
            options: { [command.option]: command.partial },
            focused: command.option,
            member,
          }),
        );
      case 'press': {
        const found = findButton(shown, command.label);
        if ('error' in found) return found.error;
        if (!found.customId) return `That button opens ${found.url ?? 'a link'} in a browser.`;
        return show(await fake.sendButton(found.customId, { message: found.message, member }));
      }
      case 'submit': {
        if (!openForm) return 'No form is open.';
        const record = await fake.sendModalSubmit({
          customId: openForm.customId,
          fields: command.fields,
          member,
        });
        openForm = undefined;
        return show(record);
      }
      case 'find-sources':
        return show(
          await fake.sendMessageCommand({
            name: FIND_SOURCES,
            message: { content: command.text, author: member === 'member' ? 'owner' : 'member' },
            member,
          }),
        );
    }
  };

  return {
    fake,
    get member() {
      return member;
    },
    banner:
      `Footnote is running against a local Discord stand-in on ${fake.origin} (nothing leaves this machine).\n` +
      `You are @${member} in #general of “${fake.guild.name as string}”. Type help for what you can do.`,
    async run(line) {
      const command = parseLine(line, commands(), openForm?.fields);
      try {
        return { output: await execute(command), quit: command.kind === 'quit' };
      } catch (error) {
        // The stand-in refuses what Discord's own client would not send (a missing permission,
        // a value out of range, a disabled button): say so, as Discord's client would.
        const reason = (error instanceof Error ? error.message : String(error))
          .replace(/^Discord would not /u, 'it would not ')
          .replace(/ \(pass bypassCommandPermissions.*\)$/u, '');
        return { output: `Discord would not send that: ${reason}`, quit: false };
      }
    },
    async complete(line) {
      return completions(line, commands(), shown, async (command) => {
        const record = await fake.sendAutocomplete({
          name: command.name,
          ...(command.subcommand ? { subcommand: command.subcommand } : {}),
          options: { [command.option]: command.partial },
          focused: command.option,
          member,
        });
        return (record.choices ?? []).map((choice) => String(choice.value));
      });
    },
    async close() {
      await bot.stop();
      await fake.stop();
      if (temporary) await rm(temporary, { recursive: true, force: true });
    },
  };
}

function botEnvironment(
  fake: FakeDiscord,
  dataDir: string,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const passed = Object.fromEntries(
    PASSED_THROUGH.flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
  ) as Record<string, string>;
  return {
    // A person trying things asks quickly; FOOTNOTE_ASK_COOLDOWN_SECONDS turns it back on.
    FOOTNOTE_ASK_COOLDOWN_SECONDS: '0',
    LOG_LEVEL: 'warn',
    ...passed,
    DISCORD_TOKEN: 'playground',
    DISCORD_API_BASE: fake.apiBase,
    DISCORD_GUILD_ID: fake.guild.id as string,
    FOOTNOTE_DATA_DIR: dataDir,
  };
}

async function attachments(files: Record<string, string>) {
  const entries = await Promise.all(
    Object.entries(files).map(async ([name, path]) => [
      name,
      {
        filename: basename(path),
        content: await readFile(path),
        contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      },
    ]),
  );
  return Object.fromEntries(entries) as Record<string, { filename: string; content: Buffer }>;
}

/**
 * The newest shown message with a button of that label: the exact label first, then one that
 * starts with it (`press 👍` finds "👍 3"), then one that contains it.
 */
function findButton(
  shown: Map<string, FakeMessage>,
  typed: string,
): { message: FakeMessage; customId?: string; url?: string } | { error: string } {
  const wanted = typed.trim().toLowerCase();
  const newestFirst = [...shown.values()].reverse();
  const tests = [
    (label: string) => label === wanted,
    (label: string) => label.startsWith(wanted),
    (label: string) => label.includes(wanted),
  ];
  for (const test of tests) {
    for (const message of newestFirst) {
      const button = buttonsOf(message).find((candidate) =>
        test(buttonLabel(candidate).toLowerCase()),
      );
      if (button)
        return {
          message,
          ...(button.custom_id ? { customId: button.custom_id } : {}),
          ...(button.url ? { url: button.url } : {}),
        };
    }
  }
  const labels = [
    ...new Set(newestFirst.flatMap((message) => buttonsOf(message).map(buttonLabel))),
  ];
  return {
    error:
      labels.length > 0
        ? `No button "${typed}". Buttons on screen: ${labels.join(', ')}.`
        : 'No message on screen has buttons yet.',
  };
}

async function completions(
  line: string,
  commands: CommandShape[],
  shown: Map<string, FakeMessage>,
  suggest: (command: Extract<PlaygroundCommand, { kind: 'complete' }>) => Promise<string[]>,
): Promise<string[]> {
  if (/^\/\S*$/u.test(line)) {
    return commands
      .filter((command) => (command.type ?? 1) === 1)
      .map((command) => `/${command.name} `)
      .filter((candidate) => candidate.startsWith(line));
  }
  if (line.startsWith('/')) {
    const command = parseLine(`complete ${line}`, commands);
    if (command.kind !== 'complete' || !line.endsWith(command.partial)) return [];
    const prefix = line.slice(0, line.length - command.partial.length);
    return (await suggest(command)).map((value) => `${prefix}${value}`);
  }
  const lower = line.toLowerCase();
  if (lower.startsWith('press ')) {
    const labels = [...shown.values()].flatMap((message) => buttonsOf(message).map(buttonLabel));
    return [...new Set(labels)]
      .map((label) => `press ${label}`)
      .filter((candidate) => candidate.toLowerCase().startsWith(lower));
  }
  return ['help', 'quit', 'press ', 'as ', 'find sources ', 'complete /']
    .concat(MEMBERS.map((alias) => `as ${alias}`))
    .filter((candidate) => candidate.startsWith(lower) && candidate !== lower);
}

/** A log line as a person reads it: pino's JSON message, or the line itself. */
function logMessage(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    return [entry.msg, entry.err?.message].filter(Boolean).join(': ') || line.trim();
  } catch {
    return line.trim();
  }
}
