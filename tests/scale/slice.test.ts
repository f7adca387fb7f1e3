import { beforeAll, describe, expect, it } from 'vitest';
import { expectClean, useHarness } from '../e2e/harness.ts';
import { guildOnShard } from './guilds.ts';

/** One process running shards 0 and 1 of 4: a slice, as one host of several would. */
const onShard = (shard: number) => guildOnShard(shard, 4);
const harness = useHarness(
  {
    // Two buckets: shards 0 and 1 may identify together.
    fake: { guildId: onShard(0), maxConcurrency: 2 },
    env: { FOOTNOTE_SHARD_IDS: '0-1', FOOTNOTE_SHARD_COUNT: '4', DISCORD_GUILD_ID: '' },
  },
  { expectQuiet: 'afterAll' },
);

beforeAll(() => {
  harness.fake.addGuild({ id: onShard(1), name: 'Shard one' });
  harness.fake.addGuild({ id: onShard(2), name: 'Shard two' });
});

describe('a process running a slice of the shards', () => {
  it('identifies each of its shards as its part of the whole count, in one client', () => {
    expect(harness.fake.identifies.map((identify) => identify.shard)).toEqual(
      expect.arrayContaining([
        [0, 4],
        [1, 4],
      ]),
    );
    expect(harness.fake.identifies).toHaveLength(2);
  });

  it('registers the commands and prints the invite, as the slice holding shard 0', async () => {
    await harness.fake.waitForCommand('ask');
    expect(harness.fake.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
    expect(harness.output.join('')).toContain('Footnote is online.');
  });

  it.each([0, 1])('answers a server on shard %i through that shard', async (shard) => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      guildId: onShard(shard),
      options: { question: 'QR codes' },
    });
    expectClean(rec);
    expect(rec.shard).toEqual([shard, 4]);
    expect(rec.reply?.embeds.length).toBeGreaterThan(0);
  });

  it('never receives a server of another slice: Discord sends it to shard 2, which runs elsewhere', async () => {
    await expect(
      harness.fake.sendChatInput({
        name: 'ask',
        guildId: onShard(2),
        options: { question: 'QR codes' },
      }),
    ).rejects.toThrow(`no connected shard serves guild ${onShard(2)}`);
  });
});
