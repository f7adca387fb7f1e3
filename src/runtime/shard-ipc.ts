import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Logger } from '../logger.ts';

/**
 * The messages the sharding manager and its shard processes exchange over Node's IPC channel,
 * beside discord.js's own (which start with an underscore or are eval requests).
 */
export type ShardMessage =
  /** Manager → shard: send your metrics. */
  | { type: 'footnote:metrics-request'; id: number }
  /** Shard → manager: the metrics asked for. */
  | { type: 'footnote:metrics'; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] }
  /**
   * Shard → manager → every other shard: documents were added or removed in the shared store;
   * reload what changed.
   */
  | { type: 'footnote:corpus-changed'; from: number | undefined };

/**
 * Whether `message` is one of Footnote's shard messages.
 *
 * @example
 * isShardMessage({ type: 'footnote:corpus-changed', from: 0 }); // true
 * isShardMessage({ _ready: true }); // false: discord.js's own
 */
export function isShardMessage(message: unknown): message is ShardMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    (message as { type: string }).type.startsWith('footnote:')
  );
}

/** What a shard process can do with the link to its manager. */
export interface ShardLink {
  /** Tells every other shard that the store changed (call it after an add or a remove). */
  announceCorpusChange(): void;
  /** Runs `reload` whenever another shard announces a change. */
  onCorpusChanged(reload: () => void | Promise<void>): void;
  disconnect(): void;
}

/** The link of a process that is not a shard: nothing to tell, nobody to hear from. */
export const NO_SHARD_LINK: ShardLink = Object.freeze({
  announceCorpusChange() {},
  onCorpusChanged() {},
  disconnect() {},
});

/** The channel to the parent: `process` in a shard process (`process.send` exists there). */
export interface ParentChannel {
  send?: (message: unknown) => boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * The shard side of the link: answers the manager's metrics requests and passes corpus changes
 * both ways. In a process that is not a shard (no IPC channel) every method does nothing, so
 * callers need not ask.
 */
export function connectToManager({
  shardId,
  metrics,
  logger,
  parent = process,
}: {
  shardId: number | undefined;
  metrics: () => Promise<MetricObjectWithValues<MetricValue<string>>[]>;
  logger: Logger;
  parent?: ParentChannel;
}): ShardLink {
  const send = parent.send?.bind(parent);
  if (!send) return NO_SHARD_LINK;
  const reloads: Array<() => void | Promise<void>> = [];
  const onMessage = (message: unknown) => {
    if (!isShardMessage(message)) return;
    if (message.type === 'footnote:metrics-request') {
      metrics().then(
        (values) => send({ type: 'footnote:metrics', id: message.id, metrics: values }),
        (error: unknown) =>
          logger.warn({ err: error }, 'could not collect metrics for the manager'),
      );
    } else if (message.type === 'footnote:corpus-changed') {
      for (const reload of reloads) {
        Promise.resolve()
          .then(reload)
          .catch((error: unknown) =>
            logger.error({ err: error }, 'could not reload after another shard changed the store'),
          );
      }
    }
  };
  parent.on('message', onMessage);
  return {
    announceCorpusChange: () => void send({ type: 'footnote:corpus-changed', from: shardId }),
    onCorpusChanged: (reload) => void reloads.push(reload),
    disconnect: () => void parent.off('message', onMessage),
  };
}
