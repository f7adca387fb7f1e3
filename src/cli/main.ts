import { lookupDocument } from '../core/lookup.ts';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { cliApp } from '../app/cli.ts';
import { ConfigError } from '../config.ts';
import { UserError } from '../core/errors.ts';
import type { CorpusIndex } from '../core/corpus-index.ts';
import type { ActorContext, IngestInput } from '../corpus/corpus-service.ts';
import { GLOBAL_SCOPE, guildScope, type Scope } from '../core/scope.ts';
import { CorpusError } from '../corpus/corpus-loader.ts';
import { INGEST_LIMITS } from '../ingest/limits.ts';
import type { CommandRegistry } from '../discord/command.ts';
import { redact } from '../store/dialect.ts';
import { StoreError } from '../store/errors.ts';
import {
  ANSI_STYLE,
  judgedAsData,
  PLAIN_STYLE,
  renderAnswer,
  renderJudged,
  renderCandidates,
  renderList,
  renderSummary,
  scopeLabel,
  type TextStyle,
} from './render.ts';
import { renderAddedList, renderHistory, renderPreview } from './render-corpus.ts';

export interface Io {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  /**
   * The slash commands, for `start` and `register`: the entry point loads `commands/index.ts`
   * and hands it in (loaded only then: the other subcommands need no discord.js).
   */
  loadCommands?: () => Promise<CommandRegistry>;
}

export const USAGE = `Footnote: answers questions about a document corpus with cited excerpts.

Usage:
  footnote ask "<question>" [--json]       answer a question from the corpus
                 [--explain]              how the answer rules judged the best candidates
  footnote source "<title or id>" [--json] show a document's metadata and opening
  footnote list [--json]                   list the documents (with --guild: that server's added ones)
  footnote add <url | file | -> [--yes]    preview a document, then add it (- reads standard input)
  footnote remove <id>                     remove an added document
  footnote history [--json]                who added and removed what, newest first
  footnote start                           run the Discord bot (offline prompt without DISCORD_TOKEN)
  footnote register                        register the slash commands with Discord and exit
  footnote migrate-store --to <postgres://…>
                                           copy the SQLite store of the data directory into an
                                           empty PostgreSQL database (then set FOOTNOTE_DATABASE_URL)
  footnote help                            this text

Options:
  --data <dir>   where Footnote keeps what it writes (default: FOOTNOTE_DATA_DIR or ./data)
  --json         print plain data instead of text
  --limit <n>    at most n citations (ask; default 6) or entries (history; default 50)
  --guild <id>   act on one Discord server's documents (add, remove, list, history, ask, source);
                 without it, add and remove act on the documents every server sees
  --yes, -y      add without asking (add); otherwise a terminal asks, and a pipe only previews
  --title, --author, --date <YYYY-MM-DD>
                 replace what the source says (add)`;

const SAMPLE_QUESTION = 'Which Russian region first introduced Covid-19 passports?';

/** A mistake in how the command was called: print it with a hint (or the usage), exit 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** Print the usage after the message: the command line could not be read at all. */
    readonly showUsage = false,
  ) {
    super(message);
  }
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
      io.stderr.write(
        error.showUsage
          ? `footnote: ${error.message}\n\n${USAGE}\n`
          : `footnote: ${error.message}\nRun "footnote help" for usage.\n`,
      );
      return 2;
    }
    if (
      error instanceof UserError ||
      error instanceof ConfigError ||
      error instanceof CorpusError ||
      error instanceof StoreError
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
        explain: { type: 'boolean', default: false },
        data: { type: 'string' },
        limit: { type: 'string' },
        guild: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        title: { type: 'string' },
        author: { type: 'string' },
        date: { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(describeArgumentError(error), true);
  }
  const [command = 'help', ...rest] = parsed.positionals;
  const { values } = parsed;
  if (values.help || command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The composition root reads the configuration (.env included) and opens what is needed.
  const app = cliApp(io.env, {
    dataDir: values.data,
    warn: (message) => io.stderr.write(`footnote: ${message}\n`),
  });
  const { staleAfterDays } = app;
  const withCorpus = app.withCorpus.bind(app);
  const style: TextStyle = io.stdout.isTTY && !io.env['NO_COLOR'] ? ANSI_STYLE : PLAIN_STYLE;
  // The operator's command line is the one place that writes for every server, and says so.
  const scope: Scope =
    values.guild === undefined ? GLOBAL_SCOPE : guildScope(parseGuild(values.guild));
  const operator: ActorContext = { scope, actor: cliActor(), origin: 'operator' };
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
      if (values.explain) {
        const judged = await withCorpus(({ corpus }) =>
          corpus.explain(question, { scope, limit: limit ?? 5 }),
        );
        print(values.json ? judged.map(judgedAsData) : renderJudged(judged));
        return 0;
      }
      const answer = await withCorpus(({ corpus }) =>
        corpus.ask(question, {
          scope,
          limit,
          staleAfterDays,
        }),
      );
      print(values.json ? answer : renderAnswer(answer, style));
      return 0;
    }
    case 'source': {
      const query = rest.join(' ');
      if (query.trim() === '')
        throw new UserError(
          'Please give a document title or id, e.g. footnote source "Moscow Times".',
        );
      const lookup = await withCorpus(({ corpus }) => lookupDocument(corpus, query, { scope }));
      if (lookup.kind === 'none')
        throw new UserError(
          `No document matches “${query}”: no title, site or author has all of its words. Run "footnote list" to see them all.`,
        );
      if (lookup.kind === 'ambiguous')
        throw new UserError(
          `“${query}” matches ${lookup.candidates.length} documents; name one by its id:\n` +
            renderCandidates(lookup.candidates),
        );
      print(values.json ? lookup.summary : renderSummary(lookup.summary, style));
      return 0;
    }
    case 'list': {
      if (scope.kind === 'guild') {
        const added = await withCorpus(({ corpusService }) => corpusService.list(scope));
        print(values.json ? added : renderAddedList(added));
        return 0;
      }
      const documents = await withCorpus(({ corpus }) => corpus.listDocuments());
      print(values.json ? documents : renderList(documents));
      return 0;
    }
    case 'add': {
      if (rest.length !== 1)
        throw new UsageError('add takes one URL, file path, or "-" for standard input.');
      const target = rest[0] as string;
      return withCorpus(async ({ corpusService }) => {
        const input = await addInput(target, io);
        const preview = corpusService.edit(await corpusService.preview(input, scope), {
          title: values.title,
          author: values.author,
          publishedAt: values.date,
        });
        const { text: _text, ...shown } = preview;
        if (!values.json) print(renderPreview(preview, scope, style));
        if (preview.duplicate) {
          if (values.json) print({ preview: shown, added: null });
          throw new UserError(preview.duplicate.message);
        }
        const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true && target !== '-';
        if (!values.yes && !(interactive && (await confirm(io, style)))) {
          if (values.json) print({ preview: shown, added: null });
          if (interactive) {
            io.stderr.write('Nothing was added.\n');
            return 0;
          }
          // Not a terminal, so nobody could say yes: a script must not take this for success.
          io.stderr.write('Nothing was added: pass --yes to add it without asking.\n');
          return 1;
        }
        const added = await corpusService.commit(preview, operator);
        print(
          values.json
            ? { preview: shown, added }
            : `\nAdded “${added.title}” as ${added.id}, visible in ${scopeLabel(scope)}.`,
        );
        return 0;
      });
    }
    case 'remove': {
      if (rest.length !== 1) throw new UsageError('remove takes one document id.');
      const removed = await withCorpus(({ corpusService }) =>
        corpusService.remove(rest[0] as string, operator),
      );
      print(values.json ? removed : `Removed “${removed.title}” (${removed.id}).`);
      return 0;
    }
    case 'history': {
      const limit = values.limit === undefined ? 50 : Number.parseInt(values.limit, 10);
      if (!(limit >= 1 && limit <= 10_000))
        throw new UsageError('--limit must be a whole number from 1 to 10000.');
      const entries = await withCorpus(({ corpusService }) => corpusService.history(scope, limit));
      print(values.json ? entries : renderHistory(entries));
      return 0;
    }
    case 'start': {
      if (app.hasDiscordToken) {
        await app.startBot(await commandsOf(io));
        return await new Promise<number>(() => {}); // the bot runs until a signal stops it
      }
      return withCorpus(({ corpus }) => offline(corpus, io, style, staleAfterDays));
    }
    case 'register':
      return app.register(await commandsOf(io));
    case 'migrate-store': {
      const to = values.to?.trim();
      if (!to || !/^postgres(ql)?:\/\/\S+$/u.test(to))
        throw new UsageError('migrate-store needs --to postgres://user@host:5432/database.');
      const report = await app.migrateStore(to);
      print(
        values.json
          ? report
          : `Copied ${report.documents} documents, ${report.audit} audit entries, ${report.answers} answers, ${report.votes} votes and ${report.gaps} gaps into ${redact(to)}.\n` +
              'Set FOOTNOTE_DATABASE_URL to that URL and restart Footnote; the data directory is left as it was.',
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}".`);
  }
}

function commandsOf(io: Io): Promise<CommandRegistry> {
  if (!io.loadCommands) throw new Error('this entry point serves no slash commands');
  return io.loadCommands();
}

/**
 * What node:util's `parseArgs` refused, in our words: its own messages suggest `-- "--x"`
 * with an unbalanced quote and name the internals.
 *
 * @example
 * // parseArgs: Unknown option '--colour'. To specify a positional argument … as in '-- "--colour"
 * describeArgumentError(error); // 'unknown option "--colour".'
 */
function describeArgumentError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const option = /'(-[^' ,]+)/u.exec(message)?.[1] ?? 'an option';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option "${option}".`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take an argument')
        ? `${option} takes no value.`
        : `${option} needs a value, e.g. ${option} <value>.`;
    default:
      return 'could not read the command line.';
  }
}

/** `--guild` is a Discord server id; absent means the operator's scope (null). */
function parseGuild(value: string): string {
  if (!/^\d{17,20}$/u.test(value.trim()))
    throw new UsageError('--guild must be a Discord server id (17 to 20 digits).');
  return value.trim();
}

/** Who the audit log says acted: the operator's login name. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** What `footnote add <target>` means: a link, standard input, or a file. */
async function addInput(target: string, io: Io): Promise<IngestInput> {
  if (target === '-') {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buffer.length;
      // One byte over the cap is enough for the ingester to refuse it with the usual sentence.
      if (total > INGEST_LIMITS.maxBytes) {
        chunks.push(buffer);
        break;
      }
      chunks.push(buffer);
    }
    return { kind: 'bytes', bytes: new Uint8Array(Buffer.concat(chunks)), name: 'standard input' };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//iu.test(target)) return { kind: 'url', url: target };
  return { kind: 'file', path: target };
}

async function confirm(io: Io, style: TextStyle): Promise<boolean> {
  const prompt = createInterface({ input: io.stdin, output: io.stdout });
  try {
    const answer = await prompt.question(`\n${style.strong('Add this document?')} [y/N] `);
    return /^\s*y(?:es)?\s*$/iu.test(answer);
  } catch {
    return false;
  } finally {
    prompt.close();
  }
}

/** Without a token: a prompt on a terminal, otherwise one sample answer and how to go further. */
async function offline(
  corpus: CorpusIndex,
  io: Io,
  style: TextStyle,
  staleAfterDays: number,
): Promise<number> {
  const write = (text: string) => io.stdout.write(`${text}\n`);
  write(
    `Footnote is running offline: no DISCORD_TOKEN is set. ${corpus.size} documents are loaded.`,
  );
  if (!io.stdin.isTTY) {
    write(`\nSample question: ${SAMPLE_QUESTION}\n`);
    write(renderAnswer(corpus.ask(SAMPLE_QUESTION, { staleAfterDays }), style));
    write(
      `\nAsk your own: npx footnote ask "<question>"   (list the documents: npx footnote list)` +
        `\nRun it in Discord: put DISCORD_TOKEN in .env (see .env.example and the README), then npm start.`,
    );
    return 0;
  }
  write('Type a question and press Enter; an empty line or Ctrl+D quits.\n');
  const prompt = createInterface({ input: io.stdin, output: io.stdout, prompt: 'question> ' });
  try {
    // The line iterator buffers lines typed (or pasted) while an answer is printed; a
    // `question()` call per line would drop them.
    prompt.prompt();
    for await (const question of prompt) {
      if (question.trim() === '') return 0;
      write(`\n${renderAnswer(corpus.ask(question, { staleAfterDays }), style)}\n`);
      prompt.prompt();
    }
    return 0;
  } finally {
    prompt.close();
  }
}
