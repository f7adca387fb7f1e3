import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fake-discord/fake-discord.mjs';
import { expectClean } from './harness.ts';
import { FOOTNOTE_ARGS } from '../footnote-command.ts';
import { EVENTUALLY_MS } from '../deadlines.ts';

const ROOT = resolve(import.meta.dirname, '../..');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** `footnote <args>`: the entry `npm start` and `npm run register` run (here from the sources). */
function footnote(args: string[], env: Record<string, string>): Run {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(DISCORD_|FOOTNOTE_|LOG_LEVEL)/u.test(key)),
  );
  const child = spawn(process.execPath, [...FOOTNOTE_ARGS, ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolvePromise) =>
    child.on('exit', (code) => resolvePromise(code)),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}

let fake: FakeDiscord;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await new FakeDiscord({ token: 'test-token' }).start();
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-cli-'));
  env = {
    DISCORD_TOKEN: 'test-token',
    DISCORD_API_BASE: fake.apiBase,
    DISCORD_GUILD_ID: fake.guild.id,
    FOOTNOTE_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  };
});
afterAll(async () => {
  await fake?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('footnote start and register (npm start, npm run register)', () => {
  it('start: logs in, answers /ask, and exits 0 on SIGTERM', async () => {
    const run = footnote(['start'], env);
    try {
      await waitFor(
        () => run.stdout().includes('Footnote is online') || run.child.exitCode !== null,
        EVENTUALLY_MS,
      );
      expect(run.stderr()).toBe('');
      expect(run.stdout()).toContain(
        `client_id=${fake.application.id}&scope=bot%20applications.commands&permissions=16384`,
      );
      expect(run.stdout()).not.toContain('test-token');
      const rec = await fake.sendChatInput({
        name: 'ask',
        options: { question: 'Which Russian region first introduced Covid-19 passports?' },
      });
      expectClean(rec);
      expect(rec.reply?.embeds[0].author.name).toContain('The Moscow Times');
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      // One line per interaction, without the question (that is debug only).
      const lines = run
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      expect(lines.find((line) => line.msg === 'interaction')).toMatchObject({
        command: 'ask',
        outcome: 'ok',
        kind: 'command',
      });
      expect(run.stdout()).not.toContain('first introduced');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('register: registers the commands and exits 0', async () => {
    const puts = () =>
      fake.requests.filter(
        (request) => request.method === 'PUT' && request.route.includes('/commands'),
      ).length;
    const before = puts();
    const run = footnote(['register'], env);
    expect(await run.exit).toBe(0);
    expect(puts()).toBe(before + 1);
    expect(fake.findCommand('ask', { guildId: fake.guild.id })).not.toBeNull();
  });

  it('register: exits non-zero when Discord refuses the token', async () => {
    const run = footnote(['register'], { ...env, DISCORD_TOKEN: 'wrong-token' });
    expect(await run.exit).not.toBe(0);
    expect(run.stderr()).toMatch(/^footnote: could not register the commands: .*\n$/u);
    expect(run.stderr()).not.toContain('wrong-token');
  });

  it('start: an invalid setting stops it with one line naming the variable', async () => {
    const run = footnote(['start'], { ...env, DISCORD_GUILD_ID: 'not-an-id' });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/^footnote: Invalid DISCORD_GUILD_ID: .*\n$/u);
  });
});
