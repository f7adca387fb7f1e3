import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { defineCommand } from '../src/discord/command.ts';
import { accessRequestOf, checkAccess } from '../src/discord/guard.ts';
import { renderHelp } from '../src/discord/render/help.ts';

export const data = {
  name: 'help',
  description: 'What Footnote does and how to use its commands (only you see it).',
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default defineCommand({
  data,
  isPrivate: () => true,
  async execute(_args, interaction, { commands, messageCommands, respond, moderatorRoles }) {
    // Moderator-only commands are listed only to those who may use them: the dispatcher's rule.
    const usable = commands.filter(
      (command) =>
        command.requiredPermission === undefined ||
        checkAccess(accessRequestOf(interaction), {
          permission: command.requiredPermission,
          roles: moderatorRoles,
        }).allowed,
    );
    await respond.reply(
      renderHelp(
        usable.map((command) => command.data),
        Object.fromEntries(usable.flatMap((c) => (c.helpNote ? [[c.data.name, c.helpNote]] : []))),
        (messageCommands ?? [])
          .filter((command) => command.requiredPermission === undefined)
          .map((command) => ({ name: command.data.name, description: command.description })),
      ),
    );
  },
});
