/**
 * What a person types at the playground prompt, read against the commands the bot registered
 * (their Discord API shape, as the local stand-in keeps them). Pure: no stand-in, no bot.
 */

/** Discord's application command option types (the ones a playground line can carry). */
export const OPTION_TYPE = {
  subcommand: 1,
  subcommandGroup: 2,
  string: 3,
  integer: 4,
  boolean: 5,
  user: 6,
  channel: 7,
  role: 8,
  mentionable: 9,
  number: 10,
  attachment: 11,
} as const;

/** An option of a registered command, as Discord's API describes it. */
export interface OptionShape {
  name: string;
  type: number;
  required?: boolean;
  autocomplete?: boolean;
  options?: OptionShape[];
}

/** A registered command, as Discord's API describes it (`type` 1 slash, 3 message). */
export interface CommandShape {
  name: string;
  type?: number;
  options?: OptionShape[];
}

export type OptionValue = string | number | boolean;

export type PlaygroundCommand =
  | { kind: 'empty' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | {
      kind: 'slash';
      name: string;
      subcommand?: string;
      options: Record<string, OptionValue>;
      /** Attachment options: the path of the file to attach, by option name. */
      files: Record<string, string>;
    }
  /** Tab completion without a Tab key: the choices the bot offers for the line's last option. */
  | { kind: 'complete'; name: string; subcommand?: string; option: string; partial: string }
  | { kind: 'press'; label: string }
  | { kind: 'submit'; fields: Record<string, string> }
  | { kind: 'find-sources'; text: string }
  | { kind: 'as'; member: string }
  | { kind: 'error'; message: string };

const SLASH_COMMAND = 1;
const ANSWERING = /^(?:find[ -]sources|right-click)\s+(.+)$/isu;

/**
 * Reads one line typed at the playground prompt.
 *
 * @example
 * parseLine('/ask question: Who introduced QR codes? hide: true', commands);
 * // { kind: 'slash', name: 'ask', options: { question: 'Who introduced QR codes?', hide: true }, files: {} }
 * parseLine('/source moscow times', commands);
 * // { kind: 'slash', name: 'source', options: { document: 'moscow times' }, files: {} }
 * parseLine('press More sources', commands); // { kind: 'press', label: 'More sources' }
 */
export function parseLine(
  line: string,
  commands: readonly CommandShape[],
  /** The input ids of the form the bot showed last, for `submit`. */
  formFields: readonly string[] = [],
): PlaygroundCommand {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  const [word = '', ...rest] = text.split(/\s+/u);
  const tail = text.slice(word.length).trim();
  switch (word.toLowerCase()) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'press':
    case 'click':
      return tail === ''
        ? { kind: 'error', message: 'press what? Type the button’s label, e.g. press More sources' }
        : { kind: 'press', label: tail };
    case 'as':
      return rest.length === 1
        ? { kind: 'as', member: rest[0]! }
        : { kind: 'error', message: 'as whom? e.g. as member, as moderator, as owner' };
    case 'submit':
      return parseSubmit(tail, formFields);
    case 'complete':
      return parseCompletion(tail, commands);
  }
  const answering = ANSWERING.exec(text);
  if (answering) return { kind: 'find-sources', text: answering[1]!.trim() };
  if (text.startsWith('/')) return parseSlash(text, commands);
  return {
    kind: 'error',
    message: `"${word}" is not something the playground knows. Type help for the list.`,
  };
}

function parseSlash(text: string, commands: readonly CommandShape[]): PlaygroundCommand {
  const target = resolveTarget(text, commands);
  if ('error' in target) return { kind: 'error', message: target.error };
  const { command, subcommand, options, rest } = target;
  const label = `/${[command.name, subcommand].filter(Boolean).join(' ')}`;
  const pairs = splitOptions(rest, options);
  if ('error' in pairs) return { kind: 'error', message: `${label}: ${pairs.error}` };
  const values: Record<string, OptionValue> = {};
  const files: Record<string, string> = {};
  for (const [name, raw] of Object.entries(pairs.values)) {
    const option = options.find((candidate) => candidate.name === name)!;
    if (option.type === OPTION_TYPE.attachment) {
      files[name] = raw;
      continue;
    }
    const value = convert(raw, option);
    if (typeof value === 'object') return { kind: 'error', message: `${label} ${value.error}` };
    values[name] = value;
  }
  const missing = options.filter(
    (option) => option.required && !(option.name in values) && !(option.name in files),
  );
  if (missing.length > 0) {
    const example = missing.map((option) => `${option.name}: …`).join(' ');
    return { kind: 'error', message: `${label} needs ${example}` };
  }
  return {
    kind: 'slash',
    name: command.name,
    ...(subcommand ? { subcommand } : {}),
    options: values,
    files,
  };
}

function parseCompletion(text: string, commands: readonly CommandShape[]): PlaygroundCommand {
  const usage = 'complete what? e.g. complete /source moscow';
  if (!text.startsWith('/')) return { kind: 'error', message: usage };
  const target = resolveTarget(text, commands);
  if ('error' in target) return { kind: 'error', message: target.error };
  const { command, subcommand, options, rest } = target;
  const completable = options.filter((option) => option.autocomplete);
  if (completable.length === 0)
    return { kind: 'error', message: `/${command.name} has no option that autocompletes.` };
  const pairs = splitOptions(rest, completable, { allowEmpty: true });
  if ('error' in pairs) return { kind: 'error', message: pairs.error };
  const named = Object.entries(pairs.values).at(-1);
  return {
    kind: 'complete',
    name: command.name,
    ...(subcommand ? { subcommand } : {}),
    option: named?.[0] ?? completable[0]!.name,
    partial: named?.[1] ?? '',
  };
}

interface Target {
  command: CommandShape;
  subcommand?: string;
  /** The options of the command, or of its subcommand. */
  options: OptionShape[];
  /** What follows the command (and subcommand) names. */
  rest: string;
}

function resolveTarget(
  text: string,
  commands: readonly CommandShape[],
): Target | { error: string } {
  const slashCommands = commands.filter((command) => (command.type ?? SLASH_COMMAND) === 1);
  const [, name = '', afterName = ''] = /^\/(\S*)\s*(.*)$/su.exec(text) ?? [];
  const command = slashCommands.find((candidate) => candidate.name === name.toLowerCase());
  if (!command) {
    const known = slashCommands.map((candidate) => `/${candidate.name}`).join(', ');
    return { error: `There is no /${name} command. The bot registered ${known}.` };
  }
  const subcommands = (command.options ?? []).filter(
    (option) => option.type === OPTION_TYPE.subcommand,
  );
  if (subcommands.length === 0) return { command, options: command.options ?? [], rest: afterName };
  const [, subName = '', rest = ''] = /^(\S*)\s*(.*)$/su.exec(afterName) ?? [];
  const subcommand = subcommands.find((candidate) => candidate.name === subName.toLowerCase());
  if (!subcommand) {
    const known = subcommands.map((candidate) => candidate.name).join(', ');
    return { error: `/${command.name} needs one of: ${known}` };
  }
  return { command, subcommand: subcommand.name, options: subcommand.options ?? [], rest };
}

/**
 * Splits `question: How? hide: true` into option values at the registered option names. Text
 * before the first name goes to the first required option, so `/source moscow times` works as
 * it would with the option box already open in Discord.
 */
function splitOptions(
  text: string,
  options: readonly OptionShape[],
  { allowEmpty = false } = {},
): { values: Record<string, string> } | { error: string } {
  const values: Record<string, string> = {};
  if (options.length === 0) return text.trim() === '' ? { values } : { error: 'takes no options.' };
  const names = options.map((option) => escapeRegExp(option.name)).join('|');
  const marker = new RegExp(`(?:^|\\s)(${names}):`, 'giu');
  const matches = [...text.matchAll(marker)];
  const leading = text.slice(0, matches[0]?.index ?? text.length).trim();
  if (leading !== '') {
    const first = options.find((option) => option.required) ?? options[0]!;
    values[first.name] = leading;
  }
  matches.forEach((match, index) => {
    const name = match[1]!.toLowerCase();
    const end = matches[index + 1]?.index ?? text.length;
    values[name] = text.slice(match.index + match[0].length, end).trim();
  });
  const empty = Object.entries(values).find(([, value]) => value === '');
  if (empty && !allowEmpty) return { error: `${empty[0]}: needs a value.` };
  return { values };
}

function convert(raw: string, option: OptionShape): OptionValue | { error: string } {
  switch (option.type) {
    case OPTION_TYPE.boolean: {
      const word = raw.toLowerCase();
      if (['true', 'yes', 'on'].includes(word)) return true;
      if (['false', 'no', 'off'].includes(word)) return false;
      return { error: `${option.name}: must be true or false.` };
    }
    case OPTION_TYPE.integer:
    case OPTION_TYPE.number: {
      const value = Number(raw);
      const whole = option.type === OPTION_TYPE.integer;
      if (raw === '' || !Number.isFinite(value) || (whole && !Number.isInteger(value)))
        return { error: `${option.name}: must be a ${whole ? 'whole ' : ''}number.` };
      return value;
    }
    default:
      return raw;
  }
}

function parseSubmit(text: string, fields: readonly string[]): PlaygroundCommand {
  if (fields.length === 0)
    return { kind: 'error', message: 'No form is open. A command that opens one shows it first.' };
  const pairs = splitOptions(
    text,
    fields.map((name, index) => ({ name, type: OPTION_TYPE.string, required: index === 0 })),
    { allowEmpty: true },
  );
  if ('error' in pairs) return { kind: 'error', message: `submit: ${pairs.error}` };
  return { kind: 'submit', fields: pairs.values };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
