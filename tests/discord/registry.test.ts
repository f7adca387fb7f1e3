import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandOption,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commands, messageCommands, registry } from '../../commands/index.ts';
import { COMMAND_NAMES } from '../../src/discord/command-names.ts';
import { parseCustomId } from '../../src/discord/custom-id.ts';
import { DISCORD_LIMITS } from '../../src/discord/limits.ts';
import { addTextModal } from '../../src/discord/render/corpus.ts';
import { renderCandidates } from '../../src/discord/render/source.ts';
import { commandPayloads } from '../../src/discord/register.ts';
import { codePointLength } from '../../src/discord/text.ts';

// Discord's rule for command and option names (application-commands.mdx), lower case for slash commands.
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function options(command: (typeof commands)[number]): readonly APIApplicationCommandOption[] {
  return 'options' in command.data ? command.data.options : [];
}

describe('the command registry', () => {
  it('defines every command whose name the renderers put in custom ids', () => {
    const names = commands.map((command) => command.data.name as string);
    expect(names).toEqual(expect.arrayContaining(Object.values(COMMAND_NAMES)));
  });

  it('routes the buttons and modals the renderers make back to a registered command', () => {
    const names = commands.map((command) => command.data.name as string);
    const made = [
      addTextModal().custom_id,
      ...renderCandidates('passports', [
        { documentId: 'bashkortostan-covid-passports', title: 'Passports', score: 1 },
        { documentId: 'lavrov-passports', title: 'Lavrov', score: 1 },
      ]).components.flatMap((row) => row.components.map((button) => button.custom_id)),
    ];
    expect(made).toHaveLength(3);
    for (const id of made) expect(names).toContain(parseCustomId(id)?.command);
  });

  it('holds /ask, /source, /help and /corpus, in that order', () => {
    expect(commands.map((command) => command.data.name)).toEqual([
      'ask',
      'source',
      'help',
      'corpus',
    ]);
    expect(commandPayloads(registry)).toEqual([
      ...commands.map((command) => command.data),
      ...messageCommands.map((command) => command.data),
    ]);
  });

  it("holds the Find sources message command, within Discord's rules for context menus", () => {
    expect(messageCommands.map((command) => command.data.name)).toEqual(['Find sources']);
    // Discord allows 5 message commands per app (15 in newer docs): stay within the older limit.
    expect(messageCommands.length).toBeLessThanOrEqual(5);
    for (const { data, buttons } of messageCommands) {
      expect(data.type).toBe(ApplicationCommandType.Message);
      expect(codePointLength(data.name)).toBeGreaterThan(0);
      expect(codePointLength(data.name)).toBeLessThanOrEqual(DISCORD_LIMITS.commandName);
      expect(data).not.toHaveProperty('description');
      expect(data).not.toHaveProperty('options');
      for (const action of Object.keys(buttons ?? {})) {
        // Three snowflakes (channel, message, author) follow the prefix.
        expect(`${data.name}:${action}:`.length + 3 * 21, action).toBeLessThanOrEqual(
          DISCORD_LIMITS.customId,
        );
      }
    }
  });

  it('has unique, valid, lower-case names', () => {
    const names = commands.map((command) => command.data.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(NAME);
      expect(name).toBe(name.toLowerCase());
    }
  });

  it.each(commands.map((command) => [command.data.name, command] as const))(
    "/%s fits Discord's rules",
    (_, command) => {
      const { data } = command;
      expect(codePointLength(data.description)).toBeGreaterThan(0);
      expect(codePointLength(data.description)).toBeLessThanOrEqual(
        DISCORD_LIMITS.commandDescription,
      );
      expect(options(command).length).toBeLessThanOrEqual(DISCORD_LIMITS.optionsPerCommand);
      const optionNames = options(command).map((option) => option.name);
      expect(new Set(optionNames).size).toBe(optionNames.length);
      let optionalSeen = false;
      for (const option of options(command)) {
        expect(option.name).toMatch(NAME);
        expect(option.name).toBe(option.name.toLowerCase());
        expect(codePointLength(option.description)).toBeGreaterThan(0);
        expect(codePointLength(option.description)).toBeLessThanOrEqual(
          DISCORD_LIMITS.optionDescription,
        );
        const required = 'required' in option && option.required === true;
        expect(required && optionalSeen, `${option.name}: required options come first`).toBe(false);
        optionalSeen ||= !required;
        if (
          option.type === ApplicationCommandOptionType.String &&
          option.max_length !== undefined
        ) {
          expect(option.max_length).toBeLessThanOrEqual(DISCORD_LIMITS.stringOptionLength);
        }
      }
      // Discord counts names, descriptions and choices; the JSON is longer, so this is stricter.
      expect(JSON.stringify(data).length).toBeLessThanOrEqual(8000);
    },
  );

  it("keeps subcommands and their options within Discord's rules", () => {
    for (const command of commands) {
      for (const option of options(command)) {
        if (option.type !== ApplicationCommandOptionType.Subcommand) continue;
        const nested = option.options ?? [];
        expect(nested.length, option.name).toBeLessThanOrEqual(DISCORD_LIMITS.optionsPerCommand);
        let optionalSeen = false;
        for (const inner of [option, ...nested]) {
          expect(inner.name).toMatch(NAME);
          expect(codePointLength(inner.description)).toBeGreaterThan(0);
          expect(codePointLength(inner.description)).toBeLessThanOrEqual(
            DISCORD_LIMITS.optionDescription,
          );
        }
        for (const inner of nested) {
          const required = 'required' in inner && inner.required === true;
          expect(required && optionalSeen, `${inner.name}: required options come first`).toBe(
            false,
          );
          optionalSeen ||= !required;
        }
      }
    }
  });

  it('gives autocomplete options an autocomplete handler, and only those', () => {
    for (const command of commands) {
      const wantsAutocomplete = options(command)
        .flatMap((option): readonly APIApplicationCommandOption[] =>
          option.type === ApplicationCommandOptionType.Subcommand
            ? [option, ...(option.options ?? [])]
            : [option],
        )
        .some((option) => 'autocomplete' in option && option.autocomplete === true);
      expect(wantsAutocomplete, command.data.name).toBe(command.autocomplete !== undefined);
    }
  });

  it("keeps button custom ids within Discord's limit", () => {
    for (const command of commands) {
      for (const action of Object.keys(command.buttons ?? {})) {
        // Leaves room for the arguments a handler puts after the prefix.
        expect(`${command.data.name}:${action}:`.length, action).toBeLessThanOrEqual(
          DISCORD_LIMITS.customId - 20,
        );
        expect(action).not.toContain(':');
      }
    }
  });

  it('sets default_member_permissions to match each permission guard', () => {
    for (const command of commands) {
      const shown =
        'default_member_permissions' in command.data
          ? command.data.default_member_permissions
          : undefined;
      const guarded = 'requiredPermission' in command ? command.requiredPermission : undefined;
      expect(shown ?? undefined, command.data.name).toBe(
        guarded === undefined ? undefined : String(guarded),
      );
    }
  });
});
