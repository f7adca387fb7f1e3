import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.ts';
import { runRegister } from '../../src/app/run.ts';
import { FakeDiscord } from '../fake-discord/fake-discord.mjs';

let fake: FakeDiscord;
let dataDir: string;
beforeEach(async () => {
  fake = await new FakeDiscord({ token: 'scope-token' }).start();
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-scope-'));
});
afterEach(async () => {
  await fake?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** `npm run register`, to the server or (without one) globally. */
async function register(guildId?: string): Promise<number> {
  return runRegister(
    {
      DISCORD_TOKEN: 'scope-token',
      DISCORD_API_BASE: fake.apiBase,
      FOOTNOTE_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...(guildId ? { DISCORD_GUILD_ID: guildId } : {}),
    },
    registry,
  );
}

const names = (scope: Map<string, { name: string }> | undefined) =>
  [...(scope?.values() ?? [])].map((command) => command.name).sort();

describe('registering in one scope after another', () => {
  it('globally, removes the copies it registered to the server while trying Footnote out', async () => {
    expect(await register(fake.guild.id)).toBe(0);
    expect(names(fake.commands.guild.get(fake.guild.id))).toContain('ask');
    expect(await register()).toBe(0);
    expect(names(fake.commands.guild.get(fake.guild.id))).toEqual([]);
    expect(names(fake.commands.global)).toContain('ask');
  });

  it('to a server, removes the global copies it registered before', async () => {
    expect(await register()).toBe(0);
    expect(await register(fake.guild.id)).toBe(0);
    expect(names(fake.commands.global)).toEqual([]);
    expect(names(fake.commands.guild.get(fake.guild.id))).toContain('ask');
  });

  it('leaves commands alone that it did not register (another data directory)', async () => {
    expect(await register(fake.guild.id)).toBe(0);
    await rm(dataDir, { recursive: true, force: true });
    expect(await register()).toBe(0);
    expect(names(fake.commands.guild.get(fake.guild.id))).toContain('ask');
  });
});
