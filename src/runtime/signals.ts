import type { Logger } from '../logger.ts';

/**
 * How long a stop may take before the process exits anyway: Docker sends SIGKILL 10 s after
 * SIGTERM by default, and a log line saying why beats being killed silently.
 */
export const STOP_DEADLINE_MS = 9_000;

/**
 * Stops on the first SIGINT or SIGTERM and exits 0 (1 if stopping failed or overran
 * `deadlineMs`). A second Ctrl+C finds no handler and ends the process at once, as a user
 * pressing it twice expects. Returns a function that removes the handlers.
 */
export function exitOnSignals(
  stop: () => Promise<void>,
  logger: Logger,
  deadlineMs = STOP_DEADLINE_MS,
): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error({ deadlineMs }, 'did not stop in time; exiting anyway');
      logger.flush();
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
