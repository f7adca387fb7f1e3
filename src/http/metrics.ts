import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One handled interaction as the metrics count it. The Discord adapter's summaries have this
 * shape; the composition root (`src/app/`) passes them on, so HTTP never imports the adapter.
 */
export interface InteractionObservation {
  /** `command`, `button`, `modal`, `autocomplete`, `message-command`. */
  kind: string;
  /** The command, or `<command>:<action>` for a button. */
  command: string;
  /** `ok`, `user-error`, `denied`, `cooldown`, `unknown` or `error`. */
  outcome: string;
  latencyMs: number;
  /** False when nothing reached the user. */
  answered: boolean;
}

/** Where an unexpected failure happened, the `source` label of `footnote_errors_total`. */
export type ErrorSource = 'command' | 'reply' | 'discord';

/** Seconds: most answers take milliseconds; 1.5 s is when an answer gets deferred, 3 s too late. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10];

/**
 * Footnote's Prometheus metrics, in a registry of their own (not prom-client's global one), so
 * two bots in one test process count apart. Label values come from a small fixed set (command
 * names, outcomes), except `server` on `footnote_documents`: one series per server.
 *
 * @example
 * const metrics = new FootnoteMetrics();
 * metrics.recordInteraction({ kind: 'command', command: 'ask', outcome: 'ok', latencyMs: 12, answered: true });
 * await metrics.registry.metrics(); // 'footnote_interactions_total{kind="command",command="ask",outcome="ok"} 1' …
 */
export class FootnoteMetrics {
  readonly registry = new Registry();
  readonly #interactions: Counter<'kind' | 'command' | 'outcome'>;
  readonly #latency: Histogram<'kind' | 'command'>;
  readonly #noAnswers: Counter;
  readonly #errors: Counter<'source'>;
  #countDocuments: () => Iterable<readonly [server: string, documents: number]> = () => [];

  constructor({ processMetrics = true }: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.#interactions = new Counter({
      name: 'footnote_interactions_total',
      help: 'Interactions handled, by kind (command, button, autocomplete), command and outcome.',
      labelNames: ['kind', 'command', 'outcome'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'footnote_answer_duration_seconds',
      help: 'Time from receiving an interaction to having answered it.',
      labelNames: ['kind', 'command'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#noAnswers = new Counter({
      name: 'footnote_no_answer_total',
      help: 'Questions the sources had no good answer to.',
      registers,
    });
    this.#errors = new Counter({
      name: 'footnote_errors_total',
      help: 'Unexpected failures: a command threw (command), an answer could not be delivered (reply), the Discord client reported an error (discord).',
      labelNames: ['source'],
      registers,
    });
    const countDocuments = () => this.#countDocuments();
    new Gauge({
      name: 'footnote_documents',
      help: 'Documents each server can search: the shipped corpus plus its own.',
      labelNames: ['server'],
      registers,
      collect() {
        this.reset();
        for (const [server, documents] of countDocuments()) this.set({ server }, documents);
      },
    });
    for (const source of ['command', 'reply', 'discord'] satisfies ErrorSource[]) {
      // Zero series exist from the start, so rate() works before the first error.
      this.#errors.inc({ source }, 0);
    }
    this.#noAnswers.inc(0);
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  recordInteraction(summary: InteractionObservation): void {
    const { kind, command, outcome } = summary;
    this.#interactions.inc({ kind, command, outcome });
    this.#latency.observe({ kind, command }, summary.latencyMs / 1000);
    if (outcome === 'error') this.#errors.inc({ source: 'command' });
    if (!summary.answered) this.#errors.inc({ source: 'reply' });
  }

  recordNoAnswer(): void {
    this.#noAnswers.inc();
  }

  recordError(source: ErrorSource): void {
    this.#errors.inc({ source });
  }

  /** Where `footnote_documents` is read from at each scrape. */
  countDocumentsWith(count: () => Iterable<readonly [server: string, documents: number]>): void {
    this.#countDocuments = count;
  }
}
