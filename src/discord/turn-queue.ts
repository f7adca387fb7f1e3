/**
 * Lets queued work run one job per event-loop turn, so the network (deferrals going out, the
 * gateway delivering more interactions) is served between two jobs rather than after all.
 *
 * @example
 * const turns = new TurnQueue();
 * await turns.next(); // resolves on a later turn, after those who asked before
 */
export class TurnQueue {
  readonly #waiting: Array<() => void> = [];
  #scheduled = false;

  /** Resolves when it is the caller's turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#waiting.shift()?.();
      this.#schedule();
    });
  }
}
