import type { DestinationStream } from 'pino';
import { ConfigError, parseConfig, type Config } from '../config.ts';
import { describeShardIds, type ShardSlice } from '../core/shard-slice.ts';
import type { Footnote } from '../core/api.ts';
import { withAskDefaults } from '../core/api.ts';
import { Operations } from '../http/operations.ts';
import { dataDirectoryCheck, ensureWritableDataDir } from '../runtime/data-directory.ts';
import type { FetchOptions } from '../ingest/fetch.ts';
import { openCorpus, type OpenedCorpus } from '../corpus/open-corpus.ts';
import { createLogger, type Logger } from '../logger.ts';
import { Feedback } from '../store/feedback.ts';
import { runsShardZero, startBot, type RunningBot } from '../discord/bot.ts';
import { PostgresIdentifyThrottler } from '../discord/identify-throttler.ts';
import { askCooldowns } from '../discord/cooldown.ts';
import { inviteUrl } from '../discord/invite.ts';
import type { CommandRegistry } from '../discord/command.ts';
import { commandPayloads, registerCommands } from '../discord/register.ts';
import { connectToManager, NO_SHARD_LINK, type ShardLink } from '../runtime/shard-ipc.ts';
import { isShardProcess } from '../runtime/shards.ts';
import { exitOnSignals } from '../runtime/signals.ts';
import { startRetention, type Retention } from '../runtime/retention.ts';
import { describeDiscordFailure } from '../discord/connection-errors.ts';

type Env = Record<string, string | undefined>;

export interface RunOptions {
  /** Test seam: wraps the opened corpus, e.g. to make one method throw. */
  wrapCorpus?: (corpus: Footnote) => Footnote;
  /** Test seam: download settings over the configured ones (a short timeout, a small cap). */
  fetch?: FetchOptions;
  /** Where the invite link is printed (default: stdout). */
  output?: { write(text: string): unknown };
  /** Where log lines go (default: stdout). */
  logDestination?: DestinationStream;
  /** Stop and exit 0 on SIGINT/SIGTERM (default: true). */
  handleSignals?: boolean;
}

export interface RunningFootnote {
  /** Stops taking interactions, finishes those in flight, then logs out. */
  stop(): Promise<void>;
  /** The health and metrics endpoint's port, when `FOOTNOTE_HTTP_PORT` is set. */
  httpPort: number | undefined;
  /** To the other shards' processes; does nothing when not sharded. */
  shardLink: ShardLink;
}

/** How long a stop waits for interactions in flight; /ask takes milliseconds. */
export const DRAIN_TIMEOUT_MS = 5_000;

/**
 * `npm start` with a token: parse the configuration, open the corpus index, start the bot, print the
 * invite link. Resolves once the bot answers. A bad setting rejects with a `ConfigError` whose
 * one-line message names the variable; an unwritable data directory with a `StoreError`.
 * With `FOOTNOTE_SHARDS`, runs the sharding manager instead, which runs this once per shard.
 */
export async function runBot(
  env: Env,
  registry: CommandRegistry,
  options: RunOptions = {},
): Promise<RunningFootnote> {
  const config = parseConfig(env);
  if (!config.DISCORD_TOKEN)
    throw new ConfigError('Invalid DISCORD_TOKEN: it must be set to start the bot.');
  const logger = processLogger(config, env, options.logDestination);
  await ensureWritableDataDir(config.FOOTNOTE_DATA_DIR);
  if (config.FOOTNOTE_SHARDS !== undefined && !isShardProcess(env)) {
    const { runShardManager } = await import('../runtime/shards.ts');
    const manager = await runShardManager(config, { env, logger }).catch((error: unknown) => {
      const problem = describeDiscordFailure(error, config.DISCORD_API_BASE);
      throw problem ? new ConfigError(problem, { cause: error }) : error;
    });
    if (options.handleSignals ?? true) exitOnSignals(() => manager.stop(), logger);
    return { ...manager, httpPort: undefined, shardLink: NO_SHARD_LINK };
  }
  const operations = await Operations.start(config, logger, [
    dataDirectoryCheck(config.FOOTNOTE_DATA_DIR),
  ]);
  const shardLink = connectToManager({
    shardId: isShardProcess(env) ? Number(env['SHARDS']) : undefined,
    metrics: () => operations.metrics.registry.getMetricsAsJSON(),
    logger,
  });
  let bot: RunningBot;
  let identifyThrottler: PostgresIdentifyThrottler | undefined;
  let corpus: Footnote;
  let opened: OpenedCorpus | undefined;
  let retention: Retention | undefined;
  try {
    opened = await openCorpus({
      dataDir: config.FOOTNOTE_DATA_DIR,
      slice: servedSlice(config, env),
      store: { databaseUrl: config.FOOTNOTE_DATABASE_URL },
      // Adds and removes of other processes (the CLI, other shards and hosts) are indexed as
      // they commit: pg_notify on PostgreSQL, a 200 ms poll of the changes table on SQLite.
      follow: true,
      onWarning: (message) => logger.warn(message),
      fetch: { allowLoopback: config.FOOTNOTE_ALLOW_LOOPBACK_URLS, ...options.fetch },
    });
    const configured = withAskDefaults(
      opened.corpus,
      { staleAfterDays: config.FOOTNOTE_STALE_AFTER_DAYS },
      {
        onAnswer: (answer) => {
          if (answer.status === 'no-answer') operations.metrics.recordNoAnswer();
        },
      },
    );
    corpus = options.wrapCorpus ? options.wrapCorpus(configured) : configured;
    operations.indexLoaded();
    const answerRetentionDays = config.FOOTNOTE_ANSWER_RETENTION_DAYS;
    const feedback = new Feedback(opened.store, { answerRetentionDays });
    // Answers past the retention and changes no process still needs: deleted now, in the
    // background, and every hour, by every bot process (a row goes once, whichever is first).
    retention = startRetention({ store: opened.store, feedback, answerRetentionDays, logger });
    bot = await startBot({
      config,
      registry,
      corpus,
      logger,
      corpusService: opened.corpusService,
      feedback,
      cooldowns: askCooldowns({
        limit: config.FOOTNOTE_ASK_LIMIT,
        windowSeconds: config.FOOTNOTE_ASK_COOLDOWN_SECONDS,
      }),
      onInteraction: (summary) => operations.metrics.recordInteraction(summary),
      onClientError: () => operations.metrics.recordError('discord'),
      // Shards on several hosts take turns identifying through the shared database.
      ...(config.FOOTNOTE_DATABASE_URL
        ? {
            identifyThrottler: (maxConcurrency: number) =>
              (identifyThrottler = new PostgresIdentifyThrottler({
                connectionString: config.FOOTNOTE_DATABASE_URL!,
                maxConcurrency,
                logger,
              })),
          }
        : {}),
    });
  } catch (error) {
    shardLink.disconnect();
    await identifyThrottler?.close();
    await retention?.stop();
    await opened?.close();
    await operations.close();
    throw error;
  }
  const openedCorpus = opened;
  const pruning = retention;
  const started = bot;
  operations.botReady(
    {
      gatewayProblem: () => started.gatewayProblem(),
      guildIds: () => started.client.guilds.cache.keys(),
    },
    corpus,
  );
  shardLink.onCorpusChanged(() => void openedCorpus.corpusService.refresh());
  // The other shards catch up from the store's changes at once, not at their next poll: told
  // of what this one changed (not of what it applied from the store).
  openedCorpus.corpusService.on('changed', (change) => {
    if (change.from === 'local') shardLink.announceCorpusChange();
  });
  const invite = inviteUrl(bot.applicationId);
  logger.info({ invite }, 'ready');
  if (runsShardZero(bot.client, config))
    (options.output ?? process.stdout).write(
      `Footnote is online. Invite it to a server: ${invite}\n`,
    );

  let stopping: Promise<void> | undefined;
  let removeSignalHandlers = () => {};
  const stop = () =>
    (stopping ??= (async () => {
      removeSignalHandlers();
      operations.stopping();
      if (!(await started.drain(DRAIN_TIMEOUT_MS)))
        logger.warn({ timeoutMs: DRAIN_TIMEOUT_MS }, 'stopping with interactions still in flight');
      // Anything opened above that holds files (the store) closes here: after the last
      // interaction, before logging out.
      shardLink.disconnect();
      await pruning?.stop();
      await openedCorpus
        .close()
        .catch((error: unknown) => logger.error({ err: error }, 'could not close the store'));
      await started.stop();
      await identifyThrottler?.close();
      await operations.close();
      logger.flush();
    })());
  if (options.handleSignals ?? true) removeSignalHandlers = exitOnSignals(stop, logger);
  return { stop, httpPort: operations.port, shardLink };
}

/**
 * The shards this process runs, whose servers' documents it holds: `FOOTNOTE_SHARD_IDS`, or the
 * one shard a ShardingManager started it for. Undefined when it runs every shard.
 */
export function servedSlice(config: Config, env: Env): ShardSlice | undefined {
  if (config.FOOTNOTE_SHARD_IDS && config.FOOTNOTE_SHARD_COUNT)
    return { ids: config.FOOTNOTE_SHARD_IDS, count: config.FOOTNOTE_SHARD_COUNT };
  if (!isShardProcess(env)) return undefined;
  const id = Number(env['SHARDS']);
  const count = Number(env['SHARD_COUNT']);
  return Number.isInteger(id) && Number.isInteger(count) && count > 0
    ? { ids: [id], count }
    : undefined;
}

/** The process's logger: the token censored everywhere, and each shard's lines marked. */
function processLogger(
  config: ReturnType<typeof parseConfig>,
  env: Env,
  destination: DestinationStream | undefined,
): Logger {
  const logger = createLogger(config.LOG_LEVEL, destination, { secrets: [config.DISCORD_TOKEN] });
  if (isShardProcess(env)) return logger.child({ shard: Number(env['SHARDS']) });
  if (config.FOOTNOTE_SHARD_IDS)
    return logger.child({ shards: describeShardIds(config.FOOTNOTE_SHARD_IDS) });
  return logger;
}

/**
 * `npm run register`: registers the commands and returns the exit code. Failures are one line
 * on stderr (and in the log), never a stack trace.
 */
export async function runRegister(
  env: Env,
  registry: CommandRegistry,
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
    const registered = await registerCommands(config, registry, logger);
    logger.flush();
    return registered.length === commandPayloads(registry).length ? 0 : 1;
  } catch (error) {
    // One line, in the log and on stderr: a stack trace says nothing an operator can act on.
    const reason = describeDiscordFailure(error, config.DISCORD_API_BASE) ?? oneLine(error);
    logger.error({ reason }, 'command registration failed');
    logger.flush();
    errors.write(`footnote: could not register the commands: ${reason}\n`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
