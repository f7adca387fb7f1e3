/**
 * Counts the interactions being handled so that shutdown can wait for them: `track` runs one
 * while the gate is open, `close` stops new ones, `drained` resolves when the last one is done.
 *
 * @example
 * const gate = new InteractionGate();
 * gate.track(() => handle(interaction)); // true: admitted
 * gate.close();
 * gate.track(() => handle(later)); // false: the caller tells the user to retry
 * await gate.drained(5_000); // true once `handle(interaction)` settled
 */
export class InteractionGate {
  #open = true;
  readonly #inFlight = new Set<Promise<unknown>>();

  get open(): boolean {
    return this.#open;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Runs `work` and tracks it until it settles; refuses (false) once the gate is closed. */
  track(work: () => Promise<unknown>): boolean {
    if (!this.#open) return false;
    const running = work().then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(running);
    void running.then(() => this.#inFlight.delete(running));
    return true;
  }

  close(): void {
    this.#open = false;
  }

  /** Resolves true when nothing is in flight, or false if `timeoutMs` passes first. */
  async drained(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      while (this.#inFlight.size > 0) {
        const settled = await Promise.race([
          Promise.all([...this.#inFlight]).then(() => true as const),
          timeout,
        ]);
        if (!settled) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}
