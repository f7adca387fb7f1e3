import { once } from 'node:events';
import { Client, DiscordjsError, DiscordjsErrorCodes, Events, GatewayIntentBits } from 'discord.js';
import { commands } from '../../commands/index.ts';
import { ConfigError, type Config } from '../config.ts';
import type { Footnote } from '../core/api.ts';
import type { Logger } from '../logger.ts';
import { createDispatcher } from './dispatcher.ts';
import { putCommands } from './register.ts';
import { NO_MENTIONS } from './render/payload.ts';

export interface StartBotOptions {
  config: Config;
  library: Footnote;
  logger: Logger;
}

export interface RunningBot {
  client: Client<true>;
  /** The application id, as the token says. */
  applicationId: string;
  stop(): Promise<void>;
}

/**
 * Logs in (Guilds intent only: slash commands need nothing more), registers the commands, and
 * answers interactions until `stop()`. Resolves once the bot is ready and its commands are
 * registered, so anything sent afterwards is answered.
 */
export async function startBot({ config, library, logger }: StartBotOptions): Promise<RunningBot> {
  if (!config.DISCORD_TOKEN)
    throw new ConfigError('Invalid DISCORD_TOKEN: it must be set to start the bot.');
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    // Defence in depth: every reply also says this itself.
    allowedMentions: NO_MENTIONS,
    ...(config.DISCORD_API_BASE ? { rest: { api: config.DISCORD_API_BASE } } : {}),
  });
  const dispatch = createDispatcher({ commands, library, logger });
  client.on(Events.InteractionCreate, (interaction) => void dispatch(interaction));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ code: event.code, shard }, 'gateway disconnected'),
  );

  try {
    const ready = once(client, Events.ClientReady) as Promise<[Client<true>]>;
    await client.login(config.DISCORD_TOKEN);
    const [readyClient] = await ready;
    logger.info({ user: readyClient.user.tag, guilds: readyClient.guilds.cache.size }, 'logged in');
    const applicationId = readyClient.application.id;
    try {
      await putCommands(readyClient.rest, applicationId, config.DISCORD_GUILD_ID, logger);
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
      async stop() {
        client.removeAllListeners();
        await client.destroy();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await client.destroy();
    if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) {
      throw new ConfigError('Invalid DISCORD_TOKEN: Discord refused it.');
    }
    throw error;
  }
}
