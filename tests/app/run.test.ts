import { describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.ts';
import { ConfigError } from '../../src/config.ts';
import { runBot, runRegister } from '../../src/app/run.ts';

describe('runBot and runRegister: configuration', () => {
  it('refuse an invalid setting with one line naming the variable, before touching the network', async () => {
    const start = runBot({ DISCORD_TOKEN: 'token', DISCORD_API_BASE: 'ftp://nowhere' }, registry, {
      handleSignals: false,
    });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/^Invalid DISCORD_API_BASE: /u);
  });

  it('need a token to start', async () => {
    await expect(runBot({}, registry, { handleSignals: false })).rejects.toThrow(
      /^Invalid DISCORD_TOKEN: /u,
    );
  });

  it('register exits 1 with one line on stderr for a bad setting', async () => {
    const errors: string[] = [];
    const code = await runRegister(
      { DISCORD_TOKEN: 'token', DISCORD_GUILD_ID: 'general' },
      registry,
      { errors: { write: (text: string) => errors.push(text) } },
    );
    expect(code).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(/^footnote: Invalid DISCORD_GUILD_ID: [^\n]+\n$/u),
    ]);
  });
});
