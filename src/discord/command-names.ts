/**
 * The names of the slash commands whose messages carry buttons and modals. A component's custom
 * id starts with its command's name, which routes the press back to that command; the command
 * definitions (`commands/`) and the renderers both read the name from here, so renaming a command
 * renames its buttons with it.
 *
 * @example
 * customId(COMMAND_NAMES.ask, PAGE_ACTION, '2'); // 'ask:page:2'
 */
export const COMMAND_NAMES = {
  ask: 'ask',
  source: 'source',
  corpus: 'corpus',
} as const;
