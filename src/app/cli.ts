import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, parseConfig, type Config } from '../config.ts';
import { UserError } from '../core/errors.ts';
import type { CommandRegistry } from '../discord/command.ts';
import { openCorpus, type OpenedCorpus } from '../corpus/open-corpus.ts';
import { copyStore, type CopyReport } from '../store/copy.ts';
import { openStore, STORE_FILE } from '../store/store.ts';

type Env = Record<string, string | undefined>;

/**
 * What the command line needs from the configuration and the parts it wires: the composition
 * root's half for `footnote <command>`. The CLI parses its arguments and renders; everything
 * that reads a setting or opens the store is here.
 */
export interface CliApp {
  /** Where Footnote keeps what it writes (`--data`, else `FOOTNOTE_DATA_DIR`). */
  readonly dataDir: string;
  /** Citations of documents older than this are marked stale (`FOOTNOTE_STALE_AFTER_DAYS`). */
  readonly staleAfterDays: number;
  /** Whether `DISCORD_TOKEN` is set: `start` runs the bot, otherwise the offline prompt. */
  readonly hasDiscordToken: boolean;
  /** Opens the store and corpus index, runs `body`, then saves the index cache and closes the store. */
  withCorpus<T>(body: (opened: OpenedCorpus) => Promise<T> | T): Promise<T>;
  /** Copies the SQLite store of the data directory into the empty PostgreSQL database at `url`. */
  migrateStore(url: string): Promise<CopyReport>;
  /** `footnote start` with a token: runs the bot until a signal stops it. */
  startBot(registry: CommandRegistry): Promise<void>;
  /** `footnote register`: registers the slash commands; resolves with the exit code. */
  register(registry: CommandRegistry): Promise<number>;
}

export interface CliAppOptions {
  /** `--data`: wins over `FOOTNOTE_DATA_DIR` everywhere, the bot and `register` included. */
  dataDir?: string | undefined;
  /** Where a warning of the corpus goes (a document of the store that could not be indexed). */
  warn: (message: string) => void;
}

/**
 * The configuration the CLI runs with: the environment, then `.env` for what it leaves unset
 * (dotenv never prints), then `--data`. A bad setting throws a `ConfigError` naming it.
 *
 * @example
 * const app = cliApp(process.env, { dataDir: './data', warn: (m) => console.error(m) });
 * const answer = await app.withCorpus(({ corpus }) => corpus.ask('QR codes?'));
 */
export function cliApp(environment: Env, options: CliAppOptions): CliApp {
  const env = { ...environment };
  loadDotenv({ processEnv: env, quiet: true });
  if (options.dataDir !== undefined) env['FOOTNOTE_DATA_DIR'] = options.dataDir;
  const config: Config = parseConfig(env);
  return {
    dataDir: config.FOOTNOTE_DATA_DIR,
    staleAfterDays: config.FOOTNOTE_STALE_AFTER_DAYS,
    hasDiscordToken: Boolean(config.DISCORD_TOKEN),
    async withCorpus(body) {
      const opened = await openCorpus({
        dataDir: config.FOOTNOTE_DATA_DIR,
        store: { databaseUrl: config.FOOTNOTE_DATABASE_URL },
        onWarning: options.warn,
        fetch: { allowLoopback: config.FOOTNOTE_ALLOW_LOOPBACK_URLS },
      });
      try {
        return await body(opened);
      } finally {
        await opened.close();
      }
    },
    migrateStore: (url) => migrateStore(config.FOOTNOTE_DATA_DIR, url),
    async startBot(registry) {
      const { runBot } = await import('./run.ts');
      await runBot(env, registry);
    },
    async register(registry) {
      if (!config.DISCORD_TOKEN)
        throw new ConfigError('Invalid DISCORD_TOKEN: set it to register the slash commands.');
      const { runRegister } = await import('./run.ts');
      return runRegister(env, registry);
    },
  };
}

async function migrateStore(dataDir: string, url: string): Promise<CopyReport> {
  if (!existsSync(join(dataDir, STORE_FILE)))
    throw new UserError(`There is no SQLite store in ${dataDir} (${STORE_FILE}) to copy.`);
  const source = await openStore(dataDir);
  try {
    const target = await openStore(dataDir, { databaseUrl: url });
    try {
      return await copyStore(source, target);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
