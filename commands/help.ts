import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { defineCommand } from '../src/discord/command.ts';
import { renderHelp } from '../src/discord/render/help.ts';

export const data = {
  name: 'help',
  description: 'What Footnote does and how to use its commands (only you see it).',
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default defineCommand({
  data,
  isPrivate: () => true,
  async execute(_args, interaction, { commands, respond }) {
    // Moderator-only commands are listed only to those who may use them.
    const usable = commands.filter(
      (command) =>
        command.requiredPermission === undefined ||
        (interaction.memberPermissions?.has(command.requiredPermission) ?? false),
    );
    await respond.reply(renderHelp(usable.map((command) => command.data)));
  },
});
