import {
  REST,
  Routes,
  type APIApplication,
  type RESTPutAPIApplicationCommandsResult,
} from 'discord.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config.ts';
import { makeDirectory } from '../make-directory.ts';
import type { Logger } from '../logger.ts';
import type { CommandRegistry } from './command.ts';

/** The registration body: every command's data, in registry order. */
export function commandPayloads({ commands, messageCommands }: CommandRegistry) {
  return [
    ...commands.map((command) => command.data),
    ...messageCommands.map((command) => command.data),
  ];
}

/** Where Footnote registered its commands, in the data directory: `"global"` and server ids. */
const SCOPES_FILE = 'registered-commands.json';

/**
 * Replaces the registered commands with the registry (a bulk overwrite: idempotent, and it
 * removes commands that no longer exist). To one server when `guildId` is set, which applies
 * at once; otherwise globally. Then removes the copies an earlier registration to another scope
 * left (a server used to try Footnote out, or global), which would show every command twice;
 * `dataDir` remembers where it registered.
 */
export async function putCommands(
  rest: REST,
  applicationId: string,
  guildId: string | undefined,
  registry: CommandRegistry,
  logger: Logger,
  dataDir: string,
): Promise<RESTPutAPIApplicationCommandsResult> {
  const current = guildId ?? 'global';
  const registered = (await rest.put(commandsRoute(applicationId, current), {
    body: commandPayloads(registry),
  })) as RESTPutAPIApplicationCommandsResult;
  logger.info(
    {
      commands: registered.map((command) => command.name),
      scope: guildId ? `guild ${guildId}` : 'global',
    },
    'commands registered',
  );
  const earlier = (await readScopes(dataDir)).filter((scope) => scope !== current);
  await writeScopes(dataDir, [current, ...earlier]);
  for (const scope of earlier) {
    try {
      await rest.put(commandsRoute(applicationId, scope), { body: [] });
      logger.info({ scope }, 'removed the commands registered there before');
    } catch (error) {
      // Removed from that server since, most likely: nothing shows there any more.
      logger.warn({ scope, reason: (error as Error).message }, 'could not remove old commands');
    }
  }
  await writeScopes(dataDir, [current]);
  return registered;
}

function commandsRoute(applicationId: string, scope: string) {
  return scope === 'global'
    ? Routes.applicationCommands(applicationId)
    : Routes.applicationGuildCommands(applicationId, scope);
}

async function readScopes(dataDir: string): Promise<string[]> {
  try {
    const scopes: unknown = JSON.parse(await readFile(join(dataDir, SCOPES_FILE), 'utf8'));
    return Array.isArray(scopes) ? scopes.filter((scope) => typeof scope === 'string') : [];
  } catch {
    return []; // never registered from this data directory
  }
}

async function writeScopes(dataDir: string, scopes: readonly string[]): Promise<void> {
  await makeDirectory(dataDir);
  await writeFile(join(dataDir, SCOPES_FILE), `${JSON.stringify(scopes)}\n`);
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
  return putCommands(
    rest,
    application.id,
    config.DISCORD_GUILD_ID,
    registry,
    logger,
    config.FOOTNOTE_DATA_DIR,
  );
}
