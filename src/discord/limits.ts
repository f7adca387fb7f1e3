/**
 * Discord's limits, in one place. Lengths count Unicode code points (what Discord's backend is
 * believed to count; a string within the limit in code points is also within it in UTF-16 units
 * only if it has no astral characters, so always measure with `codePointLength`).
 *
 * Source: discord-api-docs, `resources/message.mdx` (embed limits), `interactions/
 * application-commands.mdx` (choices), `components/reference.mdx` (custom ids, labels) and
 * `interactions/receiving-and-responding.mdx` (the 3-second deadline).
 */
export const DISCORD_LIMITS = {
  messageContent: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooterText: 2048,
  embedAuthorName: 256,
  /** Title, description, field names and values, footer text and author name of all embeds together. */
  embedTotal: 6000,
  embedsPerMessage: 10,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  customId: 100,
  buttonLabel: 80,
  buttonsPerRow: 5,
  actionRowsPerMessage: 5,
  modalTitle: 45,
  /** Top-level components (labels holding one text input each) in a modal. */
  modalComponents: 5,
  textInputLabel: 45,
  /** A label's description under it. */
  labelDescription: 100,
  textInputPlaceholder: 100,
  /** A text input's value, prefilled or typed; also its `max_length`. */
  textInputValue: 4000,
  commandName: 32,
  commandDescription: 100,
  optionName: 32,
  optionDescription: 100,
  optionsPerCommand: 25,
  /** A string option's `max_length` can be at most this. */
  stringOptionLength: 6000,
  /** An interaction must be acknowledged within this many milliseconds of its creation. */
  interactionDeadlineMs: 3000,
} as const;

/**
 * When to defer an interaction that is still being worked on: half the deadline, which leaves
 * the other half for the network (the 3 s run from Discord's side) and a busy event loop.
 */
export const DEFER_AFTER_MS = DISCORD_LIMITS.interactionDeadlineMs / 2;
