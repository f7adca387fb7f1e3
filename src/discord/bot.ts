import { once } from 'node:events';
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  RESTEvents,
  Status,
  type IIdentifyThrottler,
  type Interaction,
} from 'discord.js';
import { ConfigError, type Config } from '../config.ts';
import type { Footnote } from '../core/api.ts';
import type { CorpusService } from '../corpus/corpus-service.ts';
import type { Logger } from '../logger.ts';
import type { Feedback } from '../store/feedback.ts';
import type { CommandRegistry } from './command.ts';
import type { Cooldowns } from './cooldown.ts';
import { createDispatcher, type InteractionSummary } from './dispatcher.ts';
import { InteractionGate } from './gate.ts';
import { putCommands } from './register.ts';
import { NO_MENTIONS } from './render/payload.ts';
import { describeDiscordFailure } from './connection-errors.ts';

export interface StartBotOptions {
  config: Config;
  /** The commands to register and answer (`commands/index.ts`, handed in by `src/app/`). */
  registry: CommandRegistry;
  corpus: Footnote;
  logger: Logger;
  /** Adding and removing documents (/corpus); without it /corpus says it is unavailable. */
  corpusService?: CorpusService;
  /** Votes on answers and the gaps list; without it votes are refused and gaps not kept. */
  feedback?: Feedback;
  /** Per-member limits by route (see `askCooldowns`). */
  cooldowns?: Cooldowns;
  /** Told about every handled interaction (the metrics). */
  onInteraction?: (summary: InteractionSummary) => void;
  /** Told when the Discord client reports an error (the metrics). */
  onClientError?: () => void;
  /**
   * Decides when each shard may identify, given Discord's `max_concurrency` (default:
   * discord.js's in-process throttler). Shard slices on several hosts share one through
   * PostgreSQL (`PostgresIdentifyThrottler`).
   */
  identifyThrottler?: (maxConcurrency: number) => IIdentifyThrottler;
}

export interface RunningBot {
  client: Client<true>;
  /** The application id, as the token says. */
  applicationId: string;
  /**
   * Stops taking interactions (new ones are told, privately, that Footnote is restarting) and
   * waits up to `timeoutMs` for those in flight. False if some were still running.
   */
  drain(timeoutMs: number): Promise<boolean>;
  /** Why the gateway cannot deliver interactions now; undefined when every shard is ready. */
  gatewayProblem(): string | undefined;
  stop(): Promise<void>;
}

/** What someone who interacts during a shutdown sees; the new process answers a moment later. */
export const RESTARTING_NOTICE = 'Footnote is restarting: please try again in a few seconds.';

/**
 * Logs in (Guilds intent only: slash commands need nothing more), registers the commands, and
 * answers interactions until `stop()`. Resolves once the bot is ready and its commands are
 * registered, so anything sent afterwards is answered.
 */
export async function startBot({
  config,
  registry,
  corpus,
  logger,
  corpusService,
  feedback,
  cooldowns,
  onInteraction,
  onClientError,
  identifyThrottler,
}: StartBotOptions): Promise<RunningBot> {
  if (!config.DISCORD_TOKEN)
    throw new ConfigError('Invalid DISCORD_TOKEN: it must be set to start the bot.');
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    // Defence in depth: every reply also says this itself.
    allowedMentions: NO_MENTIONS,
    ...(config.DISCORD_API_BASE ? { rest: { api: config.DISCORD_API_BASE } } : {}),
    // A shard slice: these shards, of this many across every host, in this one client.
    ...(config.FOOTNOTE_SHARD_IDS && config.FOOTNOTE_SHARD_COUNT
      ? { shards: [...config.FOOTNOTE_SHARD_IDS], shardCount: config.FOOTNOTE_SHARD_COUNT }
      : {}),
    ...(identifyThrottler
      ? {
          ws: {
            buildIdentifyThrottler: async (manager) =>
              identifyThrottler(
                (await manager.fetchGatewayInformation()).session_start_limit.max_concurrency,
              ),
          },
        }
      : {}),
  });
  const dispatch = createDispatcher({
    commands: registry.commands,
    messageCommands: registry.messageCommands,
    feedback,
    corpus,
    logger,
    corpusService,
    moderatorRoles: config.FOOTNOTE_MODERATOR_ROLES,
    ...(cooldowns ? { cooldowns } : {}),
    ...(onInteraction ? { onInteraction } : {}),
  });
  const gate = new InteractionGate();
  client.on(Events.InteractionCreate, (interaction) => {
    if (!gate.track(() => dispatch(interaction))) void refuseWhileStopping(interaction, logger);
  });
  client.on(Events.Error, (error) => {
    logger.error({ err: error }, 'discord client error');
    onClientError?.();
  });
  client.on(Events.Warn, (message) => logger.warn(message));
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ code: event.code, shardId: shard }, 'gateway disconnected'),
  );
  client.on(Events.ShardReconnecting, (shard) =>
    logger.warn({ shardId: shard }, 'gateway reconnecting'),
  );
  client.on(Events.ShardResume, (shard, replayed) =>
    logger.info({ shardId: shard, replayed }, 'gateway resumed'),
  );
  client.on(Events.ShardReady, (shard) => logger.info({ shardId: shard }, 'gateway ready'));
  // A 429 Discord sends unannounced shows only in the REST debug stream; it is waited out and
  // retried, but an operator should see it.
  client.rest.on(RESTEvents.Debug, (message) => {
    const rateLimit = parseRateLimitDebug(message);
    if (rateLimit) logger.warn(rateLimit, 'rate limited by Discord; waiting');
  });
  // discord.js's own gateway and REST diagnostics; the logger censors the token in them.
  if (logger.isLevelEnabled('trace'))
    client.on(Events.Debug, (message) => logger.trace({ source: 'discord.js' }, message));

  try {
    const ready = once(client, Events.ClientReady) as Promise<[Client<true>]>;
    await client.login(config.DISCORD_TOKEN);
    const [readyClient] = await ready;
    logger.info({ user: readyClient.user.tag, guilds: readyClient.guilds.cache.size }, 'logged in');
    const applicationId = readyClient.application.id;
    // The process running shard 0 registers for all: the registry is the same everywhere.
    const registers = runsShardZero(readyClient, config);
    try {
      if (registers)
        await putCommands(
          readyClient.rest,
          applicationId,
          config.DISCORD_GUILD_ID,
          registry,
          logger,
          config.FOOTNOTE_DATA_DIR,
        );
    } catch (error) {
      // The commands registered last time still work; keep serving them and say why loudly.
      logger.error(
        { err: error },
        'command registration failed; run `npm run register` to see why',
      );
    }
    return {
      client: readyClient,
      applicationId,
      async drain(timeoutMs) {
        gate.close();
        return gate.drained(timeoutMs);
      },
      gatewayProblem: () => gatewayProblem(client),
      async stop() {
        client.removeAllListeners();
        await client.destroy();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await client.destroy();
    const problem = describeDiscordFailure(error, config.DISCORD_API_BASE);
    if (problem) throw new ConfigError(problem, { cause: error });
    throw error;
  }
}

/**
 * The fields of @discordjs/rest's "Encountered unexpected 429 rate limit" debug message (its URL
 * left out: it holds the interaction token); undefined for any other message.
 *
 * @example
 * parseRateLimitDebug('[REST x] Encountered unexpected 429 rate limit\n  Global         : false\n  Retry After    : 1000ms');
 * // { global: 'false', retryAfter: '1000ms' }
 */
export function parseRateLimitDebug(message: string): Record<string, string> | undefined {
  if (!message.includes('Encountered unexpected 429 rate limit')) return undefined;
  const fields: Record<string, string> = {};
  for (const line of message.split('\n').slice(1)) {
    const match = /^\s*([\w ]+?)\s*:\s*(.*)$/u.exec(line);
    if (!match || match[1] === 'URL') continue;
    const key = match[1]!
      .toLowerCase()
      .replace(/ (\w)/gu, (_, letter: string) => letter.toUpperCase());
    fields[key] = match[2]!.trim();
  }
  return fields;
}

/**
 * Whether this process runs shard 0: always without sharding, the shard process 0 under a
 * ShardingManager, the slice that lists 0 with `FOOTNOTE_SHARD_IDS`. It registers the commands
 * and prints the invite link, once for the whole bot.
 */
export function runsShardZero(
  client: Pick<Client, 'shard'>,
  config: Pick<Config, 'FOOTNOTE_SHARD_IDS'>,
): boolean {
  if (client.shard) return client.shard.ids.includes(0);
  return config.FOOTNOTE_SHARD_IDS?.includes(0) ?? true;
}

/** Whether every shard this process runs is connected and ready to deliver interactions. */
function gatewayProblem(client: Client): string | undefined {
  const shards = [...client.ws.shards.values()];
  if (shards.length === 0) return 'not connected';
  const down = shards.filter((shard) => shard.status !== Status.Ready);
  if (down.length === 0) return undefined;
  return down.map((shard) => `shard ${shard.id} ${Status[shard.status].toLowerCase()}`).join(', ');
}

/** Answers an interaction that arrived during shutdown, so nobody sees "did not respond". */
async function refuseWhileStopping(interaction: Interaction, logger: Logger): Promise<void> {
  try {
    if (interaction.isAutocomplete()) await interaction.respond([]);
    else if (interaction.isRepliable())
      await interaction.reply({
        content: RESTARTING_NOTICE,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
  } catch (error) {
    logger.warn({ err: error }, 'could not tell a user that Footnote is restarting');
  }
  logger.info(
    { interactionId: interaction.id, guild: interaction.guildId ?? 'dm', outcome: 'restarting' },
    'interaction',
  );
}
