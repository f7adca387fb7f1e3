import { spawn, type ChildProcess } from 'node:child_process';
import { once, EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { connectToManager, type ShardMessage } from '../../src/runtime/shard-ipc.ts';
import {
  isShardProcess,
  planShards,
  relayCorpusChange,
  spawnWaves,
  type ShardEndpoint,
} from '../../src/runtime/shards.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeDiscord } from '../fake-discord/fake-discord.mjs';
import { expectClean } from '../e2e/harness.ts';
import { FOOTNOTE_ARGS } from '../footnote-command.ts';
import { EVENTUALLY, EVENTUALLY_MS } from '../deadlines.ts';

const silent = createLogger('silent');

describe('planning shards', () => {
  it.each([
    [3, 1, [[0], [1], [2]]],
    [5, 2, [[0, 1], [2, 3], [4]]],
    [2, 16, [[0, 1]]],
  ])('starts %i shards with max_concurrency %i in waves %j', (total, concurrency, waves) => {
    expect(spawnWaves(total, concurrency)).toEqual(waves);
  });

  it('recognizes a shard process by the variable the ShardingManager sets', () => {
    expect(isShardProcess({ SHARDING_MANAGER: 'true', SHARDS: '1' })).toBe(true);
    expect(isShardProcess({ FOOTNOTE_SHARDS: '2' })).toBe(false);
  });

  it('asks Discord (through DISCORD_API_BASE) how many shards "auto" means', async () => {
    const fake = await new FakeDiscord({ recommendedShards: 3, maxConcurrency: 16 }).start();
    try {
      const config = parseConfig({
        DISCORD_TOKEN: 'plan-token',
        DISCORD_API_BASE: fake.apiBase,
        FOOTNOTE_SHARDS: 'auto',
      });
      expect(await planShards(config)).toEqual({ total: 3, maxConcurrency: 16 });
      expect(await planShards({ ...config, FOOTNOTE_SHARDS: 2 })).toEqual({
        total: 2,
        maxConcurrency: 16,
      });
    } finally {
      await fake.stop();
    }
  });
});

/** A parent channel as a shard process sees it, recording what the shard sends. */
function fakeParent() {
  const channel = new EventEmitter() as EventEmitter & {
    sent: unknown[];
    send(m: unknown): boolean;
  };
  channel.sent = [];
  channel.send = (message) => {
    channel.sent.push(message);
    return true;
  };
  return channel;
}

describe('the link between a shard and its manager', () => {
  it('answers a metrics request with the shard’s metrics', async () => {
    const parent = fakeParent();
    connectToManager({ shardId: 1, metrics: async () => [], logger: silent, parent });
    parent.emit('message', { type: 'footnote:metrics-request', id: 7 } satisfies ShardMessage);
    await vi.waitFor(
      () => expect(parent.sent).toEqual([{ type: 'footnote:metrics', id: 7, metrics: [] }]),
      EVENTUALLY,
    );
  });

  it('announces a corpus change to the manager', () => {
    const parent = fakeParent();
    connectToManager({
      shardId: 1,
      metrics: async () => [],
      logger: silent,
      parent,
    }).announceCorpusChange();
    expect(parent.sent).toEqual([{ type: 'footnote:corpus-changed', from: 1 }]);
  });

  it('reloads when another shard announces a change', async () => {
    const parent = fakeParent();
    const link = connectToManager({ shardId: 0, metrics: async () => [], logger: silent, parent });
    const reload = vi.fn();
    link.onCorpusChanged(reload);
    parent.emit('message', { type: 'footnote:corpus-changed', from: 1 });
    parent.emit('message', { _eval: 'discord.js’s own message' });
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(1), EVENTUALLY);
  });

  it('does nothing outside a sharded process', () => {
    const link = connectToManager({
      shardId: undefined,
      metrics: async () => [],
      logger: silent,
      parent: { on() {}, off() {} },
    });
    expect(() => link.announceCorpusChange()).not.toThrow();
  });

  it('the manager passes a change to every other running shard, not back to its sender', () => {
    const shard = (running: boolean) => ({
      process: running ? {} : null,
      received: [] as unknown[],
      send(message: unknown) {
        this.received.push(message);
        return Promise.resolve();
      },
    });
    const [sender, other, stopped] = [shard(true), shard(true), shard(false)];
    const change = { type: 'footnote:corpus-changed', from: 0 };
    const shards: ShardEndpoint[] = [sender, other, stopped];
    expect(relayCorpusChange(change, sender, shards)).toBe(1);
    expect(other.received).toEqual([change]);
    expect(sender.received).toEqual([]);
    expect(relayCorpusChange({ _ready: true }, sender, shards)).toBe(0);
  });
});

describe('FOOTNOTE_SHARDS=2: footnote start under the ShardingManager', () => {
  let fake: FakeDiscord;
  let dataDir: string;
  let manager: ChildProcess;
  let stdout = '';
  let port: number;

  /** The JSON log lines all processes wrote (they share the terminal). */
  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    // 16 concurrency buckets, as large bots get: both shards start at once, not 5.5 s apart.
    fake = await new FakeDiscord({ maxConcurrency: 16 }).start();
    dataDir = await mkdtemp(join(tmpdir(), 'footnote-shards-'));
    manager = spawn(process.execPath, [...FOOTNOTE_ARGS, 'start'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        DISCORD_TOKEN: 'shards-test-token',
        DISCORD_API_BASE: fake.apiBase,
        DISCORD_GUILD_ID: fake.guild.id,
        FOOTNOTE_DATA_DIR: dataDir,
        FOOTNOTE_SHARDS: '2',
        FOOTNOTE_HTTP_PORT: '0',
        FOOTNOTE_HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      cwd: dataDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    manager.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // Three processes each load the sources through tsx: on a busy machine that takes a while.
    await vi.waitFor(
      () => expect(lines().map((line) => line['msg'])).toContain('all shards ready'),
      EVENTUALLY,
    );
    port = lines().find((line) => line['msg'] === 'health and metrics endpoint listening')![
      'port'
    ] as number;
  }, 2 * EVENTUALLY_MS);
  afterAll(async () => {
    if (manager && manager.exitCode === null) manager.kill('SIGKILL');
    await fake?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs in two shards, each identifying as its part of two', () => {
    expect(fake.identifies.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it('registers the commands once, from shard 0', async () => {
    // A shard logs "ready" after registering (when it does), and may do so after the manager's
    // "all shards ready": once both have, every registration has been sent.
    await vi.waitFor(
      () =>
        expect(
          lines()
            .filter((line) => line['msg'] === 'ready')
            .map((line) => line['shard'])
            .sort(),
        ).toEqual([0, 1]),
      EVENTUALLY,
    );
    expect(fake.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
  });

  it('answers /ask from the shard that holds the server', async () => {
    await fake.waitForCommand('ask');
    const rec = await fake.sendChatInput({ name: 'ask', options: { question: 'QR codes' } });
    expectClean(rec);
    expect(rec.reply?.embeds.length).toBeGreaterThan(0);
  });

  it('serves /healthz for all shards from the manager', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { checks: unknown }).checks).toEqual({
      lifecycle: 'ok',
      shards: 'ok',
      data: 'ok',
    });
  });

  it('serves every shard’s metrics, added up, from the manager', async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toContain('footnote_shards_ready 2');
    expect(text).toContain(
      'footnote_interactions_total{kind="command",command="ask",outcome="ok"} 1',
    );
    expect(text).toContain(`footnote_documents{server="${fake.guild.id}"} 25`);
  });

  it('stops every shard and exits 0 on SIGTERM', async () => {
    const exited = once(manager, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    manager.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const stopped = lines().filter((line) => line['msg'] === 'stopped');
    // Both shards and the manager itself.
    expect(stopped.map((line) => line['shard'] ?? 'manager').sort()).toEqual([0, 1, 'manager']);
  });
});
