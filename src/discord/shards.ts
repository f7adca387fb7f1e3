import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Routes, ShardingManager, type RESTGetAPIGatewayBotResult, type Shard } from 'discord.js';
import {
  AggregatorRegistry,
  Gauge,
  Registry,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import type { Config } from '../config.ts';
import { dataDirectoryCheck, runHealthChecks, StateCheck } from '../http/health.ts';
import { startOpsServer, type OpsServer } from '../http/server.ts';
import type { Logger } from '../logger.ts';
import { createRest } from './register.ts';
import { isShardMessage, type ShardMessage } from './shard-ipc.ts';

/** Discord allows one IDENTIFY per 5 s per concurrency bucket; discord.js adds half a second. */
export const IDENTIFY_INTERVAL_MS = 5_500;

/** How long a shard may take from spawning to ready before the manager gives up. */
const SHARD_READY_TIMEOUT_MS = 60_000;

/** How long a shard gets to finish its interactions after SIGTERM before it is killed. */
const SHARD_STOP_TIMEOUT_MS = 10_000;

/** The entry point each shard process runs: the `footnote` command, which registers tsx. */
const SHARD_ENTRY = fileURLToPath(new URL('../../bin/footnote.js', import.meta.url));

/**
 * How long to wait between starting shards: shards in different concurrency buckets
 * (`shard_id % max_concurrency`) may identify together, those in the same one 5 s apart.
 *
 * @example
 * spawnDelayMs(1); // 5500: one at a time
 * spawnDelayMs(16); // 344: large bots get 16 buckets
 */
export function spawnDelayMs(maxConcurrency: number): number {
  return Math.ceil(IDENTIFY_INTERVAL_MS / Math.max(1, maxConcurrency));
}

/**
 * Whether this process was started by a ShardingManager, which sets `SHARDING_MANAGER` in the
 * environment of each shard process it forks.
 *
 * @example
 * isShardProcess({ SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' }); // true
 */
export function isShardProcess(env: Record<string, string | undefined>): boolean {
  return env['SHARDING_MANAGER'] === 'true';
}

/** The shard count to run and how fast to start them, from `FOOTNOTE_SHARDS` and Discord. */
export async function planShards(config: Config): Promise<{ total: number; delayMs: number }> {
  // GET /gateway/bot through the configured API base (discord.js's own `auto` ignores it).
  const gateway = (await createRest(config).get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  const total = config.FOOTNOTE_SHARDS === 'auto' ? gateway.shards : (config.FOOTNOTE_SHARDS ?? 1);
  return { total, delayMs: spawnDelayMs(gateway.session_start_limit.max_concurrency) };
}

export interface ShardManagerOptions {
  /** Settings from `.env` that the shard processes would not otherwise see. */
  env: Record<string, string | undefined>;
  logger: Logger;
}

/**
 * Runs one `footnote start` process per shard under discord.js's ShardingManager, and the
 * health and metrics endpoint for all of them. Shards that die are started again; a shard that
 * cannot get ready at startup stops everything, as it would fail the same way again.
 *
 * Shards share the data directory. A shard that changes the store sends `corpus-changed`; the
 * manager passes it to every other shard, which reloads what changed (see `shard-ipc.ts`).
 */
export async function runShardManager(
  config: Config,
  { env, logger }: ShardManagerOptions,
): Promise<{ stop(): Promise<void> }> {
  const plan = await planShards(config);
  logger.info({ shards: plan.total, spawnDelayMs: plan.delayMs }, 'starting shards');
  const manager = new ShardingManager(SHARD_ENTRY, {
    totalShards: plan.total,
    token: config.DISCORD_TOKEN,
    shardArgs: ['start'],
    // Not while starting: a shard that cannot start would be started again and again.
    respawn: false,
  });
  manager.on('shardCreate', (shard) => prepareShard(shard, env, manager, logger));

  const lifecycle = new StateCheck('lifecycle', 'starting');
  const readiness = new Gauge({
    name: 'footnote_shards_ready',
    help: 'Shards connected to the gateway and ready.',
    registers: [],
    collect() {
      this.set(manager.shards.filter((shard) => shard.ready).size);
    },
  });
  const own = new Registry();
  own.registerMetric(readiness);
  let server: OpsServer | undefined;
  let stopping: Promise<void> | undefined;

  const stop = () =>
    (stopping ??= (async () => {
      lifecycle.fail('stopping');
      manager.respawn = false;
      await Promise.all(manager.shards.map((shard) => stopShard(shard, logger)));
      await server?.close();
      logger.info('stopped');
      logger.flush();
    })());

  try {
    if (config.FOOTNOTE_HTTP_PORT !== undefined) {
      server = await startOpsServer({
        host: config.FOOTNOTE_HTTP_HOST,
        port: config.FOOTNOTE_HTTP_PORT,
        health: () =>
          runHealthChecks([
            lifecycle,
            { name: 'shards', check: () => shardsProblem(manager, plan.total) },
            dataDirectoryCheck(config.FOOTNOTE_DATA_DIR),
          ]),
        metrics: async () => {
          const registry = Registry.merge([
            AggregatorRegistry.aggregate(await collectShardMetrics(manager, logger)),
            own,
          ]);
          return { contentType: registry.contentType, body: await registry.metrics() };
        },
        logger,
      });
    }
    for (let id = 0; id < plan.total; id += 1) {
      if (stopping) break;
      const shard = manager.createShard(id);
      const last = id === plan.total - 1;
      await Promise.all([
        shard.spawn(SHARD_READY_TIMEOUT_MS),
        last ? undefined : sleep(plan.delayMs),
      ]);
    }
  } catch (error) {
    await stop();
    throw new Error(`shard startup failed: ${(error as Error).message}`, { cause: error });
  }
  manager.respawn = true;
  lifecycle.pass();
  logger.info({ shards: plan.total }, 'all shards ready');
  return { stop };
}

/** Before a shard process starts: its settings, its log lines, and the corpus-change relay. */
function prepareShard(
  shard: Shard,
  env: Record<string, string | undefined>,
  manager: ShardingManager,
  logger: Logger,
): void {
  const shardEnv = shard.env as Record<string, string | undefined>;
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && shardEnv[key] === undefined) shardEnv[key] = value;
  }
  // The manager serves health and metrics for all shards; one port cannot serve them all.
  delete shardEnv['FOOTNOTE_HTTP_PORT'];
  shard.on('death', () => logger.warn({ shard: shard.id }, 'shard process exited'));
  shard.on('message', (message: unknown) => {
    if (!isShardMessage(message) || message.type !== 'footnote:corpus-changed') return;
    for (const other of manager.shards.values()) {
      if (other !== shard && other.process) void other.send(message).catch(() => {});
    }
  });
}

/** Asks a shard to stop as `docker stop` asks the manager (SIGTERM); kills it if it hangs. */
async function stopShard(shard: Shard, logger: Logger): Promise<void> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    logger.warn({ shard: shard.id }, 'shard did not stop in time; killing it');
    child.kill('SIGKILL');
  }, SHARD_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function shardsProblem(manager: ShardingManager, total: number): string | undefined {
  const notReady: number[] = [];
  for (let id = 0; id < total; id += 1) if (!manager.shards.get(id)?.ready) notReady.push(id);
  return notReady.length === 0 ? undefined : `not ready: shard ${notReady.join(', ')}`;
}

let nextRequestId = 1;

/** Every live shard's metrics; a shard that does not answer in time is left out (and logged). */
async function collectShardMetrics(
  manager: ShardingManager,
  logger: Logger,
  timeoutMs = 2_000,
): Promise<MetricObjectWithValues<MetricValue<string>>[][]> {
  const answers = await Promise.all(
    manager.shards.map(
      (shard) =>
        new Promise<MetricObjectWithValues<MetricValue<string>>[] | undefined>((resolve) => {
          if (!shard.process) return resolve(undefined);
          const id = nextRequestId++;
          const finish = (metrics?: MetricObjectWithValues<MetricValue<string>>[]) => {
            clearTimeout(timer);
            shard.off('message', onMessage);
            if (!metrics) logger.warn({ shard: shard.id }, 'shard sent no metrics');
            resolve(metrics);
          };
          const onMessage = (message: unknown) => {
            if (isShardMessage(message) && message.type === 'footnote:metrics' && message.id === id)
              finish(message.metrics);
          };
          const timer = setTimeout(() => finish(), timeoutMs);
          shard.on('message', onMessage);
          const request: ShardMessage = { type: 'footnote:metrics-request', id };
          shard.send(request).catch(() => finish());
        }),
    ),
  );
  return answers.filter((metrics) => metrics !== undefined);
}
