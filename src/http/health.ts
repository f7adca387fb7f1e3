/** One thing Footnote needs in order to serve; `/healthz` is 200 only when every check passes. */
export interface HealthCheck {
  /** Short and stable: it names the check in `/healthz` and in the logs. */
  readonly name: string;
  /** Resolves with `undefined` when healthy, or a reason an operator can act on. */
  check(): Promise<string | undefined> | string | undefined;
}

export interface HealthReport {
  healthy: boolean;
  /** Each check by name: `"ok"` or its reason. */
  checks: Record<string, string>;
  /** The failing checks' reasons in one line, when unhealthy. */
  reason?: string;
}

/** A check that has not answered by then counts as failed: a stuck disk must not hang probes. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/**
 * Runs every check at once, each bounded by `timeoutMs`; a check that throws fails with the
 * error's message.
 *
 * @example
 * await runHealthChecks([{ name: 'gateway', check: () => 'not connected' }]);
 * // { healthy: false, checks: { gateway: 'not connected' }, reason: 'gateway: not connected' }
 */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (check) => [check.name, await settle(check, timeoutMs)] as const),
  );
  const failing = results.filter(([, reason]) => reason !== undefined);
  return {
    healthy: failing.length === 0,
    checks: Object.fromEntries(results.map(([name, reason]) => [name, reason ?? 'ok'])),
    ...(failing.length > 0
      ? { reason: failing.map(([name, reason]) => `${name}: ${reason}`).join('; ') }
      : {}),
  };
}

async function settle(check: HealthCheck, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** A check whose state the caller sets as things happen (the index is loaded, shutdown began). */
export class StateCheck implements HealthCheck {
  #reason: string | undefined;

  constructor(
    readonly name: string,
    initialReason: string | undefined,
  ) {
    this.#reason = initialReason;
  }

  check(): string | undefined {
    return this.#reason;
  }

  pass(): void {
    this.#reason = undefined;
  }

  fail(reason: string): void {
    this.#reason = reason;
  }
}
