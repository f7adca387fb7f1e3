import type { Logger } from '../logger.ts';
import type { Feedback } from '../store/feedback.ts';
import type { Store } from '../store/store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How often a running bot deletes what is past keeping, after doing so at start. */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Days the changes table keeps a change. Every process applies a change within a second of its
 * commit (200 ms polls, `pg_notify`), and a process that starts loads the documents instead of
 * replaying changes; a week covers a process cut off from the database for days. One cut off
 * longer finds itself behind the pruned mark and reloads the documents (`followChanges`).
 */
export const CHANGES_KEPT_DAYS = 7;

export interface RetentionOptions {
  store: Store;
  feedback: Feedback;
  /** `FOOTNOTE_ANSWER_RETENTION_DAYS`: answers older than this many days go; 0 keeps them all. */
  answerRetentionDays: number;
  logger: Logger;
  /** Default `PRUNE_EVERY_MS`. */
  everyMs?: number | undefined;
  /** Test seam: the time a prune counts from. */
  now?: (() => Date) | undefined;
}

/** What one prune deleted. */
export interface PruneReport {
  answers: number;
  changes: number;
}

export interface Retention {
  /** Prunes now (again); resolves with what this run deleted. Runs do not overlap. */
  pruneNow(): Promise<PruneReport>;
  /** Stops the timer and waits for a prune under way (before the store closes). */
  stop(): Promise<void>;
}

/**
 * Deletes, once now and then every `everyMs`, the answers older than the retention and the
 * changes older than `CHANGES_KEPT_DAYS`, logging how many rows each run deleted (info when it
 * deleted some, debug otherwise). Every bot process sharing a store does so; a row is deleted
 * once whichever gets there first, and the others find nothing. A failed run is logged as a
 * warning and tried again at the next tick: nothing a member does depends on it.
 *
 * @example
 * const retention = startRetention({ store, feedback, answerRetentionDays: 90, logger });
 * // … on shutdown, before the store closes:
 * await retention.stop();
 */
export function startRetention(options: RetentionOptions): Retention {
  const { store, feedback, answerRetentionDays, logger } = options;
  const now = options.now ?? (() => new Date());
  let running: Promise<PruneReport> | undefined;

  const prune = async (): Promise<PruneReport> => {
    const at = now().getTime();
    // 0 keeps every answer: nothing is asked of the answers table at all.
    const answers =
      answerRetentionDays > 0
        ? await feedback.pruneAnswers(new Date(at - answerRetentionDays * DAY_MS))
        : 0;
    const changes = await store.pruneChanges(new Date(at - CHANGES_KEPT_DAYS * DAY_MS));
    const report = { answers, changes };
    const fields = {
      deleted: report,
      answerRetentionDays: answerRetentionDays || 'forever',
      changesKeptDays: CHANGES_KEPT_DAYS,
    };
    if (answers + changes > 0) logger.info(fields, 'pruned the store');
    else logger.debug(fields, 'pruned the store');
    return report;
  };
  const pruneNow = (): Promise<PruneReport> =>
    (running ??= prune().finally(() => {
      running = undefined;
    }));
  const tick = () =>
    void pruneNow().catch((error: unknown) =>
      logger.warn({ err: error }, 'could not prune the store; trying again at the next prune'),
    );

  tick();
  const timer = setInterval(tick, options.everyMs ?? PRUNE_EVERY_MS);
  timer.unref();
  return {
    pruneNow,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
