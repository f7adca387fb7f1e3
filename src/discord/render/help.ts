import {
  ApplicationCommandOptionType,
  type APIApplicationCommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { DISCORD_LIMITS } from '../limits.ts';
import { escapeMarkdown } from '../text.ts';
import { truncate } from '../../core/text.ts';
import { privateNotice, type MessagePayload } from './payload.ts';

const INTRO =
  '**Footnote** answers questions from its documents and quotes the passages it relies on, ' +
  'with a link to each source. When the documents have no good answer, it says so.';

/**
 * `/help`: each command the member may use, with its options (or subcommands), built from the
 * registration data so it cannot drift from what Discord shows, and any note per command name.
 *
 * @example
 * renderHelp(commands.map((command) => command.data), { corpus: 'Every add shows a preview first.' });
 */
export function renderHelp(
  commands: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  notes: Readonly<Record<string, string>> = {},
  messageCommands: ReadonlyArray<{ name: string; description: string }> = [],
): MessagePayload {
  const lines = [INTRO, ''];
  for (const command of commands) {
    lines.push(`**/${command.name}**: ${escapeMarkdown(command.description)}`);
    for (const option of command.options ?? []) {
      if (option.type === ApplicationCommandOptionType.Subcommand) {
        const usage = [command.name, option.name, ...(option.options ?? []).map(usageOf)];
        lines.push(`- \`/${usage.join(' ')}\`: ${escapeMarkdown(option.description)}`);
        continue;
      }
      const required = 'required' in option && option.required ? '' : ' (optional)';
      lines.push(`- \`${option.name}\`${required}: ${escapeMarkdown(option.description)}`);
    }
    const note = notes[command.name];
    if (note) lines.push(escapeMarkdown(note));
  }
  for (const menu of messageCommands) {
    lines.push(
      `**Right-click a message → Apps → ${escapeMarkdown(menu.name)}**: ${escapeMarkdown(menu.description)}`,
    );
  }
  return privateNotice(truncate(lines.join('\n'), DISCORD_LIMITS.messageContent));
}

/** `url:` for a required option, `[hide:]` for an optional one. */
function usageOf(option: APIApplicationCommandOption): string {
  const required = 'required' in option && option.required === true;
  return required ? `${option.name}:` : `[${option.name}:]`;
}
