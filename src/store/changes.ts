import type { Change, ChangeWatch, Store } from './store.ts';

export interface FollowOptions {
  /** The last change already reflected (`store.lastChangeId()` read before loading). */
  after: number;
  /** Applies changes, oldest first. Must be idempotent: a change may come again after a crash. */
  apply: (changes: readonly Change[]) => Promise<void> | void;
  /** A catch-up or the listening connection failed; it is retried at the next hint. */
  onError?: ((error: Error) => void) | undefined;
  /** Passed to `store.watchChanges`. */
  pollMs?: number | undefined;
  /** Whether to watch at all (default true); without, only `catchUp()` reads changes. */
  watch?: boolean | undefined;
}

/** A process's position in the changes table. */
export interface ChangeFollower {
  /** The id of the last change applied. */
  readonly lastApplied: number;
  /**
   * Reads and applies every change committed since `lastApplied`; resolves when done. Calls
   * overlap safely: they queue, and each applies what is new when it runs.
   */
  catchUp(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Keeps a process up to date with the store: applies each change other processes commit, in
 * order, and resumes from the last one applied after a lost connection or a missed hint. The
 * hints (`pg_notify`, SQLite polling) only say when to look; the changes table says what, so
 * nothing is lost when a hint is.
 *
 * @example
 * const after = await store.lastChangeId();
 * const documents = await store.allDocuments(); // load, then follow from `after`
 * const follower = followChanges(store, { after, apply: (changes) => index.apply(changes) });
 */
export function followChanges(store: Store, options: FollowOptions): ChangeFollower {
  let lastApplied = options.after;
  let closed = false;
  /** The catch-up under way, and the one queued behind it (every later call shares that one). */
  let running: Promise<number> | undefined;
  let queued: Promise<number> | undefined;

  const drain = async (): Promise<number> => {
    for (;;) {
      if (closed) return lastApplied;
      const changes = await store.changesSince(lastApplied);
      if (changes.length === 0) return lastApplied;
      await options.apply(changes);
      lastApplied = changes.at(-1)?.id ?? lastApplied;
    }
  };
  const start = (): Promise<number> => {
    const run = drain().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  const catchUp = (): Promise<number> => {
    if (!running) return start();
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
  let watch: ChangeWatch | undefined;
  if (options.watch ?? true) {
    watch = store.watchChanges({
      onHint: () => {
        catchUp().catch((error: unknown) => options.onError?.(error as Error));
      },
      onError: options.onError,
      pollMs: options.pollMs,
    });
  }
  return {
    get lastApplied() {
      return lastApplied;
    },
    catchUp,
    close: async () => {
      closed = true;
      await watch?.close();
      await Promise.allSettled([running, queued]);
    },
  };
}
