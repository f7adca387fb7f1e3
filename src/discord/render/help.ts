import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { DISCORD_LIMITS } from '../limits.ts';
import { escapeMarkdown, truncate } from '../text.ts';
import { privateNotice, type MessagePayload } from './payload.ts';

const INTRO =
  '**Footnote** answers questions from its documents and quotes the passages it relies on, ' +
  'with a link to each source. When the documents have no good answer, it says so.';

/**
 * `/help`: each command the member may use, with its options, built from the registration data
 * so it cannot drift from what Discord shows.
 *
 * @example
 * renderHelp(commands.map((command) => command.data));
 */
export function renderHelp(
  commands: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
): MessagePayload {
  const lines = [INTRO, ''];
  for (const command of commands) {
    lines.push(`**/${command.name}**: ${escapeMarkdown(command.description)}`);
    for (const option of command.options ?? []) {
      const required = 'required' in option && option.required ? '' : ' (optional)';
      lines.push(`- \`${option.name}\`${required}: ${escapeMarkdown(option.description)}`);
    }
  }
  return privateNotice(truncate(lines.join('\n'), DISCORD_LIMITS.messageContent));
}
