import { DISCORD_LIMITS } from './limits.ts';

const SEPARATOR = ':';

/**
 * A component's custom id, `<command>:<action>:<arg>…`. Everything a button needs after a
 * restart lives here or in the message it sits on, never in memory.
 *
 * @example
 * customId('ask', 'page', '2'); // "ask:page:2"
 */
export function customId(command: string, action: string, ...args: string[]): string {
  const parts = [command, action, ...args];
  if (parts.some((part) => part === '' || part.includes(SEPARATOR))) {
    throw new Error(
      `custom id parts must be non-empty and free of "${SEPARATOR}": ${parts.join(', ')}`,
    );
  }
  const id = parts.join(SEPARATOR);
  if (id.length > DISCORD_LIMITS.customId) {
    throw new Error(`custom id longer than ${DISCORD_LIMITS.customId} characters: ${id}`);
  }
  return id;
}

/**
 * The parts of a custom id made by `customId`; undefined for ids this bot did not make.
 *
 * @example
 * parseCustomId('ask:page:2'); // { command: 'ask', action: 'page', args: ['2'] }
 */
export function parseCustomId(
  id: string,
): { command: string; action: string; args: string[] } | undefined {
  const [command, action, ...args] = id.split(SEPARATOR);
  if (!command || !action) return undefined;
  return { command, action, args };
}
