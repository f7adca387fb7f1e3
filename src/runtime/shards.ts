import { once } from 'node:events';
import { join } from 'node:path';
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
import { runHealthChecks, StateCheck } from '../http/health.ts';
import { dataDirectoryCheck } from './data-directory.ts';
import { startOpsServer, type OpsServer } from '../http/server.ts';
import type { Logger } from '../logger.ts';
import { PACKAGE_ROOT, RUNNING_COMPILED } from '../package-root.ts';
import { openStore } from '../store/store.ts';
import { createRest } from '../discord/register.ts';
import { isShardMessage, type ShardMessage } from './shard-ipc.ts';

/** Discord allows one IDENTIFY per 5 s per concurrency bucket; discord.js adds half a second. */
export const IDENTIFY_INTERVAL_MS = 5_500;

/** How long a shard may take from spawning to ready before the manager gives up. */
const SHARD_READY_TIMEOUT_MS = 60_000;

/**
 * How long a shard gets to finish its interactions after SIGTERM before it is killed: inside
 * the manager's own `STOP_DEADLINE_MS`, so no shard outlives the manager.
 */
const SHARD_STOP_TIMEOUT_MS = 8_000;

/**
 * What each shard process runs: the `footnote` command, compiled when this process is (as
 * `npm start` and the image run it); the sources through tsx when this process runs them (tests).
 */
const SHARD_ENTRY = RUNNING_COMPILED
  ? { file: join(PACKAGE_ROOT, 'dist/bin/main.js'), args: [] }
  : { file: join(PACKAGE_ROOT, 'bin/run-ts.js'), args: [join(PACKAGE_ROOT, 'bin/main.ts')] };

/**
 * The order to start shards in. Discord lets shards in different concurrency buckets
 * (`shard_id % max_concurrency`) identify at the same moment, and those in one bucket 5 s apart,
 * so shards start in waves of `max_concurrency`, `IDENTIFY_INTERVAL_MS` apart.
 *
 * @example
 * spawnWaves(3, 1); // [[0], [1], [2]]: one at a time, as small bots must
 * spawnWaves(5, 2); // [[0, 1], [2, 3], [4]]
 */
export function spawnWaves(total: number, maxConcurrency: number): number[][] {
  const size = Math.max(1, maxConcurrency);
  const waves: number[][] = [];
  for (let first = 0; first < total; first += size) {
    waves.push(Array.from({ length: Math.min(size, total - first) }, (_, index) => first + index));
  }
  return waves;
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
export async function planShards(
  config: Config,
): Promise<{ total: number; maxConcurrency: number }> {
  // GET /gateway/bot through the configured API base (discord.js's own `auto` ignores it).
  const gateway = (await createRest(config).get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  const total = config.FOOTNOTE_SHARDS === 'auto' ? gateway.shards : (config.FOOTNOTE_SHARDS ?? 1);
  return { total, maxConcurrency: gateway.session_start_limit.max_concurrency };
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
  // The shards open the store at the same moment; creating and migrating it here first means
  // they never race to do it (and a store that cannot open stops the start with one line).
  await (
    await openStore(config.FOOTNOTE_DATA_DIR, { databaseUrl: config.FOOTNOTE_DATABASE_URL })
  ).close();
  const plan = await planShards(config);
  logger.info({ shards: plan.total, maxConcurrency: plan.maxConcurrency }, 'starting shards');
  const manager = new ShardingManager(SHARD_ENTRY.file, {
    totalShards: plan.total,
    token: config.DISCORD_TOKEN,
    shardArgs: [...SHARD_ENTRY.args, 'start'],
    // Not while starting: a shard that cannot start would be started again and again.
    respawn: false,
  });
  let stopping: Promise<void> | undefined;
  manager.on('shardCreate', (shard) =>
    prepareShard(shard, { env, manager, logger, stopping: () => stopping !== undefined }),
  );

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
    const waves = spawnWaves(plan.total, plan.maxConcurrency);
    for (const [index, wave] of waves.entries()) {
      if (stopping) break;
      const last = index === waves.length - 1;
      await Promise.all([
        ...wave.map((id) => manager.createShard(id).spawn(SHARD_READY_TIMEOUT_MS)),
        last ? undefined : sleep(IDENTIFY_INTERVAL_MS),
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
  {
    env,
    manager,
    logger,
    stopping,
  }: {
    env: Record<string, string | undefined>;
    manager: ShardingManager;
    logger: Logger;
    stopping: () => boolean;
  },
): void {
  const shardEnv = shard.env as Record<string, string | undefined>;
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && shardEnv[key] === undefined) shardEnv[key] = value;
  }
  // The manager serves health and metrics for all shards; one port cannot serve them all.
  delete shardEnv['FOOTNOTE_HTTP_PORT'];
  shard.on('death', () => {
    if (stopping()) logger.info({ shard: shard.id }, 'shard stopped');
    else logger.warn({ shard: shard.id }, 'shard process exited; starting it again');
  });
  shard.on('message', (message: unknown) =>
    relayCorpusChange(message, shard, manager.shards.values()),
  );
}

/** The part of a discord.js `Shard` the relay uses. */
export interface ShardEndpoint {
  readonly process: unknown;
  send(message: unknown): Promise<unknown>;
}

/**
 * Passes a shard's `corpus-changed` to every other running shard; ignores any other message.
 * Returns how many shards it was passed to.
 *
 * @example
 * relayCorpusChange({ type: 'footnote:corpus-changed', from: 0 }, shard0, [shard0, shard1]); // 1
 */
export function relayCorpusChange(
  message: unknown,
  from: ShardEndpoint,
  shards: Iterable<ShardEndpoint>,
): number {
  if (!isShardMessage(message) || message.type !== 'footnote:corpus-changed') return 0;
  let relayed = 0;
  for (const other of shards) {
    if (other === from || !other.process) continue;
    other.send(message).catch(() => {});
    relayed += 1;
  }
  return relayed;
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
