import {
  REST,
  Routes,
  type APIApplication,
  type RESTPutAPIApplicationCommandsResult,
} from 'discord.js';
import { ConfigError, type Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CommandRegistry } from './command.ts';

/** The registration body: every command's data, in registry order. */
export function commandPayloads({ commands, messageCommands }: CommandRegistry) {
  return [
    ...commands.map((command) => command.data),
    ...messageCommands.map((command) => command.data),
  ];
}

/**
 * Replaces the registered commands with the registry (a bulk overwrite: idempotent, and it
 * removes commands that no longer exist). To one server when `guildId` is set, which applies
 * at once; otherwise globally.
 */
export async function putCommands(
  rest: REST,
  applicationId: string,
  guildId: string | undefined,
  registry: CommandRegistry,
  logger: Logger,
): Promise<RESTPutAPIApplicationCommandsResult> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, {
    body: commandPayloads(registry),
  })) as RESTPutAPIApplicationCommandsResult;
  logger.info(
    {
      commands: registered.map((command) => command.name),
      scope: guildId ? `guild ${guildId}` : 'global',
    },
    'commands registered',
  );
  return registered;
}

/** A REST client for the configured API base (`DISCORD_API_BASE`, e.g. the local stand-in in tests). */
export function createRest(config: Config): REST {
  if (!config.DISCORD_TOKEN)
    throw new ConfigError('Invalid DISCORD_TOKEN: it must be set to talk to Discord.');
  return new REST(config.DISCORD_API_BASE ? { api: config.DISCORD_API_BASE } : {}).setToken(
    config.DISCORD_TOKEN,
  );
}

/**
 * `npm run register`: registers the commands without starting the bot. The application id is
 * the one the token belongs to (`GET /applications/@me`), so it needs no setting of its own.
 */
export async function registerCommands(
  config: Config,
  registry: CommandRegistry,
  logger: Logger,
): Promise<RESTPutAPIApplicationCommandsResult> {
  const rest = createRest(config);
  const application = (await rest.get(Routes.currentApplication())) as APIApplication;
  return putCommands(rest, application.id, config.DISCORD_GUILD_ID, registry, logger);
}
