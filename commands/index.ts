import type { CommandRegistry } from '../src/discord/command.ts';
import ask from './ask.ts';
import corpus from './corpus.ts';
import findSources from './find-sources.ts';
import help from './help.ts';
import source from './source.ts';

/**
 * Every slash command, explicitly: adding one is a file in this folder and a line here.
 * `tests/discord/registry.test.ts` checks the list against Discord's rules.
 */
export const commands = [ask, source, help, corpus] as const;

/** Message context-menu commands (right-click a message → Apps), registered with the others. */
export const messageCommands = [findSources] as const;

/** Both lists, as the entry point hands them to the composition root (`src/app/`). */
export const registry = { commands, messageCommands } satisfies CommandRegistry;
