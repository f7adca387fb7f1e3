import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, parseConfig } from '../config.ts';
import { UserError } from '../core/errors.ts';
import type { Library } from '../core/library.ts';
import { CorpusError } from '../library/corpus-loader.ts';
import { openLibrary } from '../library/open.ts';
import {
  ANSI_STYLE,
  PLAIN_STYLE,
  renderAnswer,
  renderList,
  renderSummary,
  type TextStyle,
} from './render.ts';

export interface Io {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

export const USAGE = `Footnote: answers questions about a document corpus with cited excerpts.

Usage:
  footnote ask "<question>" [--json]       answer a question from the corpus
  footnote source "<title or id>" [--json] show a document's metadata and opening
  footnote list [--json]                   list the documents
  footnote start                           run the Discord bot (offline prompt without DISCORD_TOKEN)
  footnote register                        register the slash commands with Discord and exit
  footnote help                            this text

Options:
  --data <dir>   where Footnote keeps what it writes (default: FOOTNOTE_DATA_DIR or ./data)
  --json         print plain data instead of text
  --limit <n>    at most n citations (ask; default 6)`;

const SAMPLE_QUESTION = 'Which Russian region first introduced Covid-19 passports?';

/** A mistake in how the command was called: print it with a hint, exit 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The `footnote` command. Returns the exit code; writes only to the given streams, so tests
 * run it in-process as well as spawned.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`footnote: ${error.message}\nRun "footnote help" for usage.\n`);
      return 2;
    }
    if (
      error instanceof UserError ||
      error instanceof ConfigError ||
      error instanceof CorpusError
    ) {
      io.stderr.write(`footnote: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`footnote: unexpected error: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        data: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command = 'help', ...rest] = parsed.positionals;
  const { values } = parsed;
  if (values.help || command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // dotenv fills only what the environment leaves unset, and never prints.
  const env = { ...io.env };
  loadDotenv({ processEnv: env, quiet: true });
  const config = parseConfig(values.data ? { ...env, FOOTNOTE_DATA_DIR: values.data } : env);
  const style: TextStyle = io.stdout.isTTY && !env['NO_COLOR'] ? ANSI_STYLE : PLAIN_STYLE;
  const open = () =>
    openLibrary({
      dataDir: config.FOOTNOTE_DATA_DIR,
      onWarning: (message) => io.stderr.write(`footnote: ${message}\n`),
    });
  const print = (value: unknown) =>
    io.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);

  switch (command) {
    case 'ask': {
      const question = rest.join(' ');
      if (question.trim() === '')
        throw new UserError(
          'Please give a question, e.g. footnote ask "Which region introduced Covid-19 passports first?"',
        );
      const limit = values.limit === undefined ? undefined : Number.parseInt(values.limit, 10);
      if (limit !== undefined && !(limit >= 1 && limit <= 50))
        throw new UsageError('--limit must be a whole number from 1 to 50.');
      const answer = (await open()).ask(question, { limit });
      print(values.json ? answer : renderAnswer(answer, style));
      return 0;
    }
    case 'source': {
      const query = rest.join(' ');
      if (query.trim() === '')
        throw new UserError(
          'Please give a document title or id, e.g. footnote source "Moscow Times".',
        );
      const library = await open();
      const summary = library.resolveDocument(query);
      if (!summary)
        throw new UserError(`No document matches “${query}”. Run "footnote list" to see them all.`);
      print(values.json ? summary : renderSummary(summary, style));
      return 0;
    }
    case 'list': {
      const documents = (await open()).listDocuments();
      print(values.json ? documents : renderList(documents));
      return 0;
    }
    case 'start': {
      if (config.DISCORD_TOKEN) {
        const { runBot } = await import('../discord/run.ts');
        await runBot(env);
        return await new Promise<number>(() => {}); // the bot runs until a signal stops it
      }
      return offline(await open(), io, style);
    }
    case 'register': {
      if (!config.DISCORD_TOKEN)
        throw new ConfigError('Invalid DISCORD_TOKEN: set it to register the slash commands.');
      const { runRegister } = await import('../discord/run.ts');
      return runRegister(env);
    }
    default:
      throw new UsageError(`unknown command "${command}".`);
  }
}

/** Without a token: a prompt on a terminal, otherwise one sample answer and how to go further. */
async function offline(library: Library, io: Io, style: TextStyle): Promise<number> {
  const write = (text: string) => io.stdout.write(`${text}\n`);
  write(
    `Footnote is running offline: no DISCORD_TOKEN is set. ${library.size} documents are loaded.`,
  );
  if (!io.stdin.isTTY) {
    write(`\nSample question: ${SAMPLE_QUESTION}\n`);
    write(renderAnswer(library.ask(SAMPLE_QUESTION), style));
    write(
      `\nAsk your own: npx footnote ask "<question>"   (list the documents: npx footnote list)` +
        `\nRun it in Discord: put DISCORD_TOKEN in .env (see .env.example and the README), then npm start.`,
    );
    return 0;
  }
  write('Type a question and press Enter; an empty line or Ctrl+D quits.\n');
  const prompt = createInterface({ input: io.stdin, output: io.stdout });
  try {
    for (;;) {
      const question = await prompt.question('question> ').catch(() => '');
      if (question.trim() === '') return 0;
      write(`\n${renderAnswer(library.ask(question), style)}\n`);
    }
  } finally {
    prompt.close();
  }
}
