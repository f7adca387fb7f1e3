/**
 * An error caused by what the user asked for (an empty question, an unknown document).
 * Its message is written for that user and is safe to show as it is; any other error is
 * logged and answered with a generic line.
 *
 * @example
 * throw new UserError('Please type a question.');
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}
