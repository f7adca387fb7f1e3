import { CooldownError } from './outcome.ts';

/** What a limiter allows: at most `limit` uses in any `windowMs`, per key. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type Admission = { allowed: true } | { allowed: false; retryAt: number };

/**
 * A sliding-window limiter: each key (a user id) may be admitted `limit` times in any window of
 * `windowMs`. So a member can ask three quick questions in a row, then waits until the first
 * of them is a window old, which is easy to explain in one sentence. Memory is a few
 * timestamps per recent user; users idle for a whole window are forgotten.
 *
 * @example
 * const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 30_000 });
 * limiter.admit('user', 0); // { allowed: true }
 * limiter.admit('user', 1_000); // { allowed: true }
 * limiter.admit('user', 2_000); // { allowed: false, retryAt: 30_000 }
 */
export class SlidingWindowLimiter {
  readonly #uses = new Map<string, number[]>();
  #admissionsSinceSweep = 0;

  constructor(readonly rate: RateLimit) {
    if (!(rate.limit >= 1 && rate.windowMs > 0))
      throw new Error(`invalid rate limit: ${JSON.stringify(rate)}`);
  }

  /** Counts a use when allowed; a refused attempt costs nothing, so waiting is all it takes. */
  admit(key: string, now = Date.now()): Admission {
    this.#sweepNow(now);
    const recent = (this.#uses.get(key) ?? []).filter((at) => at > now - this.rate.windowMs);
    if (recent.length >= this.rate.limit) {
      this.#uses.set(key, recent);
      return {
        allowed: false,
        retryAt: recent[recent.length - this.rate.limit]! + this.rate.windowMs,
      };
    }
    recent.push(now);
    this.#uses.set(key, recent);
    return { allowed: true };
  }

  /** How many keys are remembered (for tests of forgetting). */
  get size(): number {
    return this.#uses.size;
  }

  /** Every so often, forgets keys with no use inside the window, so memory stays bounded. */
  #sweepNow(now: number): void {
    this.#admissionsSinceSweep += 1;
    if (this.#admissionsSinceSweep < SWEEP_EVERY) return;
    this.#admissionsSinceSweep = 0;
    for (const [key, uses] of this.#uses) {
      if ((uses.at(-1) ?? -Infinity) <= now - this.rate.windowMs) this.#uses.delete(key);
    }
  }
}

const SWEEP_EVERY = 1_000;

/**
 * The friendly refusal: when the member may try again, as a Discord timestamp that every
 * client shows in its own words and time zone ("in 12 seconds"). Rounded up, so "now" never
 * shows before the limiter would allow it.
 *
 * @example
 * cooldownNotice('ask', 1_700_000_012_300); // "You're asking quickly: you can /ask again <t:1700000013:R>."
 */
export function cooldownNotice(command: string, retryAt: number): string {
  const verb = command.includes(':') ? 'use this button' : `/${command}`;
  return `You're asking quickly: you can ${verb} again <t:${Math.ceil(retryAt / 1000)}:R>.`;
}

/** A cooldown per route: `ask` for the command, `ask:page` for its More sources button. */
export type Cooldowns = ReadonlyMap<string, SlidingWindowLimiter>;

/** Counts a use of `route` by the user, or refuses it with a `CooldownError` saying when to retry. */
export function admit(
  cooldowns: Cooldowns | undefined,
  route: string,
  interaction: { readonly user: { readonly id: string } },
): void {
  const admission = cooldowns?.get(route)?.admit(interaction.user.id);
  if (admission && !admission.allowed)
    throw new CooldownError(cooldownNotice(route, admission.retryAt));
}

/** The paging buttons re-run a question already asked: four times the room of /ask. */
export const BUTTON_ALLOWANCE_FACTOR = 4;

/**
 * The cooldowns the configuration asks for: `limit` /ask per `windowSeconds` per member, and
 * four times as many clicks on More sources. A window of 0 turns both off.
 *
 * @example
 * askCooldowns({ limit: 3, windowSeconds: 30 }).get('ask')?.rate; // { limit: 3, windowMs: 30000 }
 */
export function askCooldowns({
  limit,
  windowSeconds,
}: {
  limit: number;
  windowSeconds: number;
}): Cooldowns {
  if (windowSeconds <= 0) return new Map();
  const windowMs = windowSeconds * 1000;
  return new Map([
    ['ask', new SlidingWindowLimiter({ limit, windowMs })],
    ['ask:page', new SlidingWindowLimiter({ limit: limit * BUTTON_ALLOWANCE_FACTOR, windowMs })],
  ]);
}
