import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.ts';
import { runBot, runRegister } from '../../src/app/run.ts';
import { FakeDiscord } from '../fake-discord/fake-discord.mjs';

/** An address nothing listens on. */
const UNREACHABLE = 'http://127.0.0.1:1';

let fake: FakeDiscord;
let dataDir: string;
beforeAll(async () => {
  fake = await new FakeDiscord({ token: 'the-right-token' }).start();
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-connection-'));
});
afterAll(async () => {
  await fake?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** `npm run register` in this process: its exit code, stderr, and the log lines it wrote. */
async function register(env: Record<string, string>) {
  const logLines: string[] = [];
  let stderr = '';
  const code = await runRegister(
    { DISCORD_GUILD_ID: fake.guild.id, FOOTNOTE_DATA_DIR: dataDir, ...env },
    registry,
    {
      logDestination: { write: (line: string) => void logLines.push(line) },
      errors: { write: (text: string) => (stderr += text) },
    },
  );
  return { code, stderr, logLines };
}

describe('register, when Discord cannot be used', () => {
  it('names DISCORD_TOKEN in one line when Discord refuses the token, and logs no stack', async () => {
    const { code, stderr, logLines } = await register({
      DISCORD_TOKEN: 'a-wrong-token',
      DISCORD_API_BASE: fake.apiBase,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^footnote: could not register the commands: Discord refused DISCORD_TOKEN \(401 Unauthorized\): [^\n]+\n$/u,
    );
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).not.toContain('"stack"');
    expect(logLines[0]).not.toContain('a-wrong-token');
  });

  it('names the address and DISCORD_API_BASE when the API is unreachable', async () => {
    const { code, stderr } = await register({
      DISCORD_TOKEN: 'the-right-token',
      DISCORD_API_BASE: UNREACHABLE,
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'footnote: could not register the commands: Cannot reach the Discord API at ' +
        `${UNREACHABLE} (ECONNREFUSED): check DISCORD_API_BASE.\n`,
    );
  });
});

describe('start, when Discord cannot be used', () => {
  it('stops with the same line when the API is unreachable', async () => {
    await expect(
      runBot(
        {
          DISCORD_TOKEN: 'the-right-token',
          DISCORD_API_BASE: UNREACHABLE,
          FOOTNOTE_DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
        },
        registry,
        { handleSignals: false },
      ),
    ).rejects.toThrow(
      `Cannot reach the Discord API at ${UNREACHABLE} (ECONNREFUSED): check DISCORD_API_BASE.`,
    );
  });

  it('names DISCORD_TOKEN when Discord refuses it', async () => {
    await expect(
      runBot(
        {
          DISCORD_TOKEN: 'a-wrong-token',
          DISCORD_API_BASE: fake.apiBase,
          FOOTNOTE_DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
        },
        registry,
        { handleSignals: false },
      ),
    ).rejects.toThrow(/^Discord refused DISCORD_TOKEN \(401 Unauthorized\)/u);
  });
});
