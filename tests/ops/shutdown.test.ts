import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RESTARTING_NOTICE } from '../../src/discord/bot.ts';
import { FakeDiscord } from '../fake-discord/fake-discord.mjs';
import { expectClean, useHarness } from '../e2e/harness.ts';
import { FOOTNOTE_ARGS } from '../footnote-command.ts';
import { EVENTUALLY } from '../deadlines.ts';

const PASSPORTS = 'Which Russian region first introduced Covid-19 passports?';

describe('stop(): a graceful shutdown in process', () => {
  const harness = useHarness({
    env: { FOOTNOTE_HTTP_PORT: '0', FOOTNOTE_HTTP_HOST: '127.0.0.1' },
  });

  it('finishes the interaction in flight, tells newcomers it is restarting, and reports 503 meanwhile', async () => {
    const { fake } = harness;
    const health = `http://127.0.0.1:${harness.bot()!.httpPort}/healthz`;
    // The answer to the first question is slow to reach Discord: it is in flight during the stop.
    fake.injectRestFaults([{ route: /\/callback$/u, delayMs: 800 }]);
    const inFlight = fake.sendChatInput({ name: 'ask', options: { question: PASSPORTS } });
    await vi.waitFor(
      () => expect(fake.requests.some((request) => request.route.endsWith('/callback'))).toBe(true),
      EVENTUALLY,
    );

    let stoppedAt = Infinity;
    const stopping = harness.stopBot().then(() => (stoppedAt = Date.now()));
    const during = await fetch(health);
    const newcomer = await fake.sendChatInput({ name: 'ask', options: { question: PASSPORTS } });
    const first = await inFlight;
    await stopping;

    expect(during.status).toBe(503);
    expect(((await during.json()) as { checks: Record<string, string> }).checks.lifecycle).toBe(
      'stopping',
    );
    expectClean(newcomer);
    expect(newcomer.ephemeral).toBe(true);
    expect(newcomer.reply?.content).toBe(RESTARTING_NOTICE);
    expectClean(first);
    expect(first.reply?.embeds[0].title).toContain('Covid-19');
    // Stopping waited for the answer in flight to reach Discord.
    expect(first.callback!.at).toBeLessThanOrEqual(stoppedAt);
    await expect(fetch(health)).rejects.toThrow();
  });
});

describe('footnote start, stopped by a signal', () => {
  let fake: FakeDiscord;
  let dataDir: string;

  beforeAll(async () => {
    fake = await new FakeDiscord().start();
    dataDir = await mkdtemp(join(tmpdir(), 'footnote-signal-'));
  });
  afterAll(async () => {
    await fake?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 0 on SIGTERM after answering, logging that it stopped', async () => {
    const child = spawn(process.execPath, [...FOOTNOTE_ARGS, 'start'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        DISCORD_TOKEN: 'signal-test-token',
        DISCORD_API_BASE: fake.apiBase,
        DISCORD_GUILD_ID: fake.guild.id,
        FOOTNOTE_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      },
      cwd: dataDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    await vi.waitFor(() => expect(stdout).toContain('Footnote is online'), EVENTUALLY);
    await fake.waitForCommand('ask');
    expectClean(await fake.sendChatInput({ name: 'ask', options: { question: PASSPORTS } }));

    child.kill('SIGTERM');
    const [code, signal] = await exited;

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const messages = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages.filter((message) => message === 'stopping')).toHaveLength(1);
    expect(messages.filter((message) => message === 'stopped')).toHaveLength(1);
    expect(messages.indexOf('stopping')).toBeLessThan(messages.indexOf('stopped'));
  });
});
