import type { DestinationStream } from 'pino';
import { ConfigError, parseConfig } from '../config.ts';
import type { Footnote } from '../core/api.ts';
import { withAskDefaults } from '../core/api.ts';
import { openLibrary } from '../library/open.ts';
import { createLogger } from '../logger.ts';
import { startBot, type RunningBot } from './bot.ts';
import { inviteUrl } from './invite.ts';
import { commandPayloads, registerCommands } from './register.ts';

type Env = Record<string, string | undefined>;

export interface RunOptions {
  /** Test seam: wraps the opened library, e.g. to make one method throw. */
  wrapLibrary?: (library: Footnote) => Footnote;
  /** Where the invite link is printed (default: stdout). */
  output?: { write(text: string): unknown };
  /** Where log lines go (default: stdout). */
  logDestination?: DestinationStream;
  /** Stop and exit 0 on SIGINT/SIGTERM (default: true). */
  handleSignals?: boolean;
}

/**
 * `npm start` with a token: parse the configuration, open the library, start the bot, print the
 * invite link. Resolves once the bot answers; `stop()` logs out. A bad setting rejects with a
 * `ConfigError` whose one-line message names the variable.
 */
export async function runBot(
  env: Env,
  options: RunOptions = {},
): Promise<{ stop(): Promise<void> }> {
  const config = parseConfig(env);
  if (!config.DISCORD_TOKEN)
    throw new ConfigError('Invalid DISCORD_TOKEN: it must be set to start the bot.');
  const logger = createLogger(config.LOG_LEVEL, options.logDestination);
  const opened = await openLibrary({
    dataDir: config.FOOTNOTE_DATA_DIR,
    onWarning: (message) => logger.warn(message),
  });
  const configured = withAskDefaults(opened, { staleAfterDays: config.FOOTNOTE_STALE_AFTER_DAYS });
  const library = options.wrapLibrary ? options.wrapLibrary(configured) : configured;
  const bot: RunningBot = await startBot({ config, library, logger });
  const invite = inviteUrl(bot.applicationId);
  logger.info({ invite }, 'ready');
  (options.output ?? process.stdout).write(
    `Footnote is online. Invite it to a server: ${invite}\n`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await bot.stop();
      logger.flush();
    })();
    return stopping;
  };
  function onSignal(signal: NodeJS.Signals): void {
    logger.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  }
  if (options.handleSignals ?? true) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { stop };
}

/**
 * `npm run register`: registers the commands and returns the exit code. Failures are one line
 * on stderr (and in the log), never a stack trace.
 */
export async function runRegister(
  env: Env,
  options: Pick<RunOptions, 'logDestination'> & { errors?: { write(text: string): unknown } } = {},
): Promise<number> {
  const errors = options.errors ?? process.stderr;
  let config;
  try {
    config = parseConfig(env);
  } catch (error) {
    errors.write(`footnote: ${(error as Error).message}\n`);
    return 1;
  }
  const logger = createLogger(config.LOG_LEVEL, options.logDestination);
  try {
    const registered = await registerCommands(config, logger);
    logger.flush();
    return registered.length === commandPayloads().length ? 0 : 1;
  } catch (error) {
    logger.error({ err: error }, 'command registration failed');
    logger.flush();
    errors.write(`footnote: could not register the commands: ${oneLine(error)}\n`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
