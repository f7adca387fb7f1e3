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
  /**
   * The follower is behind changes that were pruned (`Store.pruneChanges`): it may have missed
   * some, so it must bring its state to the store's from the documents themselves, and return
   * the change id that state reflects (`store.lastChangeId()` read before the documents), from
   * which it follows again. Without it, such a catch-up rejects with `ChangesPrunedError`.
   */
  resync?: (() => Promise<number>) | undefined;
}

/** A follower was behind changes that were pruned, and has no `resync` to catch up with. */
export class ChangesPrunedError extends Error {
  override readonly name = 'ChangesPrunedError';
  constructor(lastApplied: number, prunedThrough: number) {
    super(
      `changes up to ${prunedThrough} were pruned, and this process had applied only up to ${lastApplied}`,
    );
  }
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
      // Read after the changes: a prune that deleted any of them before they were read has
      // raised the mark by then. Applied changes are never pruned from under a follower that
      // keeps up (they are a week old by then), so a mark past `lastApplied` means one may be
      // missing, whatever the changes read.
      const prunedThrough = await store.changesPrunedThrough();
      if (prunedThrough > lastApplied) {
        if (!options.resync) throw new ChangesPrunedError(lastApplied, prunedThrough);
        lastApplied = Math.max(lastApplied, await options.resync());
        continue;
      }
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
