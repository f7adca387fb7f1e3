import type { Config } from '../config.ts';
import type { Footnote } from '../core/api.ts';
import { guildScope } from '../core/scope.ts';
import type { Logger } from '../logger.ts';
import { runHealthChecks, StateCheck, type HealthCheck } from './health.ts';
import { FootnoteMetrics } from './metrics.ts';
import { startOpsServer, type OpsServer } from './server.ts';

/** What the running bot gives the health checks and metrics once it is connected. */
export interface ObservedBot {
  gatewayProblem(): string | undefined;
  /** The servers this process serves, for `footnote_documents`. */
  guildIds(): Iterable<string>;
}

/**
 * Health checks, metrics and (with `FOOTNOTE_HTTP_PORT`) the endpoint serving them, for one
 * bot process. Started before the bot logs in, so a probe sees "starting" rather than nothing.
 *
 * The checks are a list: the app hands in its own (the data directory's) and adds the store's
 * with `addCheck` when a store is open.
 */
export class Operations {
  readonly metrics = new FootnoteMetrics();
  readonly #logger: Logger;
  readonly #lifecycle = new StateCheck('lifecycle', 'starting');
  readonly #index = new StateCheck('index', 'loading');
  #bot: ObservedBot | undefined;
  readonly #checks: HealthCheck[];
  #server: OpsServer | undefined;

  private constructor(logger: Logger, checks: readonly HealthCheck[]) {
    this.#logger = logger;
    this.#checks = [
      this.#lifecycle,
      { name: 'gateway', check: () => (this.#bot ? this.#bot.gatewayProblem() : 'logging in') },
      this.#index,
      ...checks,
    ];
  }

  /**
   * @param checks the app's own checks, after lifecycle, gateway and index (the data
   *   directory's); more can be added with `addCheck`.
   */
  static async start(
    config: Pick<Config, 'FOOTNOTE_HTTP_HOST' | 'FOOTNOTE_HTTP_PORT'>,
    logger: Logger,
    checks: readonly HealthCheck[] = [],
  ): Promise<Operations> {
    const operations = new Operations(logger, checks);
    if (config.FOOTNOTE_HTTP_PORT !== undefined) {
      operations.#server = await startOpsServer({
        host: config.FOOTNOTE_HTTP_HOST,
        port: config.FOOTNOTE_HTTP_PORT,
        health: () => operations.health(),
        metrics: async () => ({
          contentType: operations.metrics.registry.contentType,
          body: await operations.metrics.registry.metrics(),
        }),
        logger,
      });
    }
    return operations;
  }

  /** The endpoint's port, when one is serving. */
  get port(): number | undefined {
    return this.#server?.port;
  }

  health() {
    return runHealthChecks(this.#checks);
  }

  addCheck(check: HealthCheck): void {
    this.#checks.push(check);
  }

  /** The corpus index is open: `index` passes, and `footnote_no_answer_total` counts its answers. */
  indexLoaded(): void {
    this.#index.pass();
  }

  botReady(bot: ObservedBot, corpus: Footnote): void {
    this.#bot = bot;
    this.#lifecycle.pass();
    this.metrics.countDocumentsWith(function* () {
      for (const guildId of bot.guildIds())
        yield [guildId, corpus.listDocuments({ scope: guildScope(guildId) }).length];
    });
  }

  /** Shutdown began: `/healthz` turns 503 so nothing new is routed here. */
  stopping(): void {
    this.#lifecycle.fail('stopping');
  }

  async close(): Promise<void> {
    await this.#server?.close().catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'could not close the health and metrics endpoint');
    });
  }
}
