/**
 * Renders what the bot sent, as the local Discord stand-in recorded it, for a terminal: the
 * content, each embed (title, link, author line, description, fields, footer), the buttons by
 * label, whether only the asker sees it, and anything Discord would have refused or anyone who
 * would have been pinged. Pure: it reads plain data, so it is tested without a bot.
 */

/** Message flags, as Discord numbers them. */
const EPHEMERAL = 1 << 6;
const SUPPRESS_EMBEDS = 1 << 2;
const LOADING = 1 << 7;

/** Discord's callback types that matter here. */
const CALLBACK = { deferred: 5, deferredUpdate: 6, update: 7, modal: 9 } as const;
const COMPONENT = { actionRow: 1, button: 2, stringSelect: 3, textInput: 4, label: 18 } as const;
const LINK_BUTTON_STYLE = 5;

export interface EmbedView {
  title?: string;
  url?: string;
  description?: string;
  author?: { name?: string; url?: string };
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text?: string };
  timestamp?: string;
}

export interface ComponentView {
  type: number;
  custom_id?: string;
  label?: string;
  emoji?: { name?: string | null } | null;
  style?: number;
  url?: string;
  disabled?: boolean;
  placeholder?: string;
  required?: boolean;
  options?: { label: string; value: string }[];
  components?: ComponentView[];
  component?: ComponentView;
}

export interface PingsView {
  users: string[];
  roles: string[];
  everyone: boolean;
}

export interface MessageView {
  content?: string;
  embeds?: EmbedView[];
  components?: ComponentView[];
  flags?: number;
  pings?: PingsView;
}

export interface ViolationView {
  code: number | string;
  message: string;
  flat?: { path: string; code: string; message: string }[];
}

/** The parts of the stand-in's `InteractionRecord` the playground shows. */
export interface InteractionView {
  callback: { type: number; latencyMs: number } | null;
  messages: MessageView[];
  choices: { name: string; value: string | number }[] | null;
  modal: { custom_id: string; title: string; components: ComponentView[] } | null;
  violations: ViolationView[];
  timedOut: boolean;
}

export interface TerminalStyle {
  strong(text: string): string;
  dim(text: string): string;
  warn(text: string): string;
}

export const PLAIN: TerminalStyle = { strong: (t) => t, dim: (t) => t, warn: (t) => t };
export const ANSI: TerminalStyle = {
  strong: (t) => `\u001b[1m${t}\u001b[22m`,
  dim: (t) => `\u001b[2m${t}\u001b[22m`,
  warn: (t) => `\u001b[33m${t}\u001b[39m`,
};

/** A button as a person would name it when pressing it: its emoji and label. */
export function buttonLabel(button: ComponentView): string {
  return [button.emoji?.name, button.label].filter(Boolean).join(' ');
}

/** Every button of a message, rows flattened, in the order Discord shows them. */
export function buttonsOf(message: Pick<MessageView, 'components'>): ComponentView[] {
  return (message.components ?? []).flatMap((row) =>
    (row.components ?? [row]).filter((component) => component.type === COMPONENT.button),
  );
}

/**
 * The input ids of a form (modal), in order, whatever its layout: action rows (legacy) or
 * labels (type 18) wrapping one input each.
 */
export function formFields(modal: Pick<NonNullable<InteractionView['modal']>, 'components'>) {
  return formInputs(modal.components).map(({ input }) => input.custom_id ?? '');
}

function formInputs(components: ComponentView[]): { label: string; input: ComponentView }[] {
  return components.flatMap((component) => {
    if (component.type === COMPONENT.label && component.component)
      return [{ label: component.label ?? '', input: component.component }];
    if (component.type === COMPONENT.actionRow) return formInputs(component.components ?? []);
    return component.custom_id ? [{ label: component.label ?? '', input: component }] : [];
  });
}

/**
 * The bot's answer to one interaction, as terminal lines.
 *
 * @example
 * renderInteraction(await fake.sendChatInput({ name: 'ask', options: { question } }), PLAIN, nameOf);
 * // "Footnote replied in 41 ms\n**Q:** …\n│ Russian Region Becomes First … \n[More sources] [👍] [👎]"
 */
export function renderInteraction(
  view: InteractionView,
  style: TerminalStyle = PLAIN,
  /** A user or role id as a person reads it (`@moderator`); ids stay as they are without it. */
  nameOf: (id: string) => string = (id) => id,
): string {
  const lines: string[] = [];
  const { callback } = view;
  if (!callback)
    lines.push(
      style.warn('⚠ The bot did not answer (Discord shows "The application did not respond").'),
    );
  else if (callback.type === CALLBACK.modal && view.modal)
    lines.push(...renderForm(view.modal, style));
  else if (view.choices) lines.push(...renderChoices(view.choices, style));
  else {
    const how =
      callback.type === CALLBACK.update || callback.type === CALLBACK.deferredUpdate
        ? 'updated the message'
        : 'replied';
    lines.push(style.dim(`Footnote ${how} in ${Math.round(callback.latencyMs)} ms`));
    if (view.messages.length === 0 && callback.type === CALLBACK.deferred)
      lines.push(style.dim('Footnote is thinking…'));
    view.messages.forEach((message, index) => {
      if (index > 0) lines.push(style.dim('— follow-up —'));
      lines.push(...renderMessage(message, style, nameOf));
    });
  }
  if (view.timedOut)
    lines.push(style.warn('⚠ Still waiting for the bot when the playground stopped.'));
  for (const violation of view.violations)
    lines.push(style.warn(`⚠ Discord would refuse this: ${describeViolation(violation)}`));
  return lines.join('\n');
}

/** One message: visibility, content, embeds, buttons and who it would notify. */
export function renderMessage(
  message: MessageView,
  style: TerminalStyle = PLAIN,
  nameOf: (id: string) => string = (id) => id,
): string[] {
  const lines: string[] = [];
  const flags = message.flags ?? 0;
  if (flags & EPHEMERAL) lines.push(style.dim('(only you can see this)'));
  if (flags & LOADING) lines.push(style.dim('Footnote is thinking…'));
  const readable = (text: string) => showMentions(text, nameOf);
  if (message.content) lines.push(readable(message.content));
  const embeds = message.embeds ?? [];
  if (embeds.length > 0 && flags & SUPPRESS_EMBEDS)
    lines.push(style.dim('(embeds hidden: SuppressEmbeds)'));
  else
    embeds.forEach((embed, index) => {
      if (index > 0) lines.push('');
      lines.push(...renderEmbed(embed, style, readable));
    });
  lines.push(...renderComponents(message.components ?? [], style));
  const pings = message.pings;
  if (pings && (pings.users.length > 0 || pings.roles.length > 0 || pings.everyone)) {
    const who = [
      ...pings.users.map((id) => `@${nameOf(id)}`),
      ...pings.roles.map((id) => `@${nameOf(id)} (role)`),
      ...(pings.everyone ? ['@everyone'] : []),
    ];
    lines.push(style.warn(`🔔 notifies ${who.join(', ')}`));
  }
  return lines;
}

/**
 * Mentions as Discord shows them: `<@123>` reads `@moderator`, `<#456>` reads `#general`.
 * Whether anyone is notified is a separate matter: the message's `pings`.
 */
export function showMentions(text: string, nameOf: (id: string) => string): string {
  return text
    .replace(/<@[!&]?(\d+)>/gu, (_, id: string) => `@${nameOf(id)}`)
    .replace(/<#(\d+)>/gu, (_, id: string) => `#${nameOf(id)}`);
}

function renderEmbed(
  embed: EmbedView,
  style: TerminalStyle,
  readable: (text: string) => string,
): string[] {
  const body: string[] = [];
  if (embed.title) body.push(style.strong(readable(embed.title)));
  if (embed.url) body.push(style.dim(embed.url));
  if (embed.author?.name) body.push(style.dim(readable(embed.author.name)));
  if (embed.description) body.push(...readable(embed.description).split('\n'));
  for (const field of embed.fields ?? []) {
    body.push(style.strong(readable(field.name)));
    body.push(
      ...readable(field.value)
        .split('\n')
        .map((line) => `  ${line}`),
    );
  }
  if (embed.footer?.text) body.push(style.dim(embed.footer.text));
  return body.map((line) => `│ ${line}`);
}

function renderComponents(rows: ComponentView[], style: TerminalStyle): string[] {
  return rows.flatMap((row) => {
    const parts = (row.components ?? [row]).map((component) => {
      if (component.type === COMPONENT.stringSelect) {
        const options = (component.options ?? []).map((option) => option.label).join(' | ');
        return `[${component.placeholder ?? 'choose'} ▾ ${options}]`;
      }
      const label = buttonLabel(component);
      if (component.style === LINK_BUTTON_STYLE) return `[${label} ↗ ${component.url ?? ''}]`;
      return component.disabled ? style.dim(`[${label} (off)]`) : `[${label}]`;
    });
    return parts.length > 0 ? [parts.join(' ')] : [];
  });
}

function renderForm(modal: NonNullable<InteractionView['modal']>, style: TerminalStyle): string[] {
  const inputs = formInputs(modal.components);
  const lines = [style.strong(`Footnote opened a form: ${modal.title}`)];
  for (const { label, input } of inputs) {
    const optional = input.required === false ? ' (optional)' : '';
    lines.push(`  ${input.custom_id}: ${label || input.label || ''}${optional}`);
  }
  const example = inputs.map(({ input }) => `${input.custom_id}: …`).join(' ');
  lines.push(style.dim(`Fill it in with: submit ${example}`));
  return lines;
}

function renderChoices(choices: NonNullable<InteractionView['choices']>, style: TerminalStyle) {
  if (choices.length === 0) return [style.dim('No suggestions.')];
  return choices.map((choice) =>
    choice.name === String(choice.value)
      ? choice.name
      : `${choice.name} ${style.dim(`→ ${choice.value}`)}`,
  );
}

function describeViolation(violation: ViolationView): string {
  const details = (violation.flat ?? []).map((entry) => `${entry.path}: ${entry.message}`);
  return [`${violation.code} ${violation.message}`, ...details].join('; ');
}
