import ask from './ask.ts';
import help from './help.ts';
import source from './source.ts';

/**
 * Every slash command, explicitly: adding one is a file in this folder and a line here.
 * `tests/discord/registry.test.ts` checks the list against Discord's rules.
 */
export const commands = [ask, source, help] as const;
