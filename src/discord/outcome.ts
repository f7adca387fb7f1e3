import { UserError } from '../core/errors.ts';

export type Outcome = 'ok' | 'user-error' | 'denied' | 'cooldown' | 'unknown' | 'error';

/** One handled interaction: what its log line says, plus whether the user saw an answer. */
export interface InteractionSummary {
  kind: string;
  /** The command, or `<command>:<action>` for a button. */
  command: string;
  outcome: Outcome;
  latencyMs: number;
  /** False when nothing reached the user: Discord refused or never got the answer. */
  answered: boolean;
}

/** Refused for lack of a permission: shown to the user like a UserError, logged as `denied`. */
export class PermissionError extends UserError {}

/** A command or button this bot does not (or no longer) know. */
export class UnknownError extends UserError {}

/** Used too often too quickly: told when to try again, logged as `cooldown`. */
export class CooldownError extends UserError {}

/** How a user error ends in the log and the metrics. */
export function outcomeOf(error: UserError): Outcome {
  if (error instanceof PermissionError) return 'denied';
  if (error instanceof CooldownError) return 'cooldown';
  return error instanceof UnknownError ? 'unknown' : 'user-error';
}
