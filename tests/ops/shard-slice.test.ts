import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';
import { servedSlice } from '../../src/app/run.ts';
import {
  describeShardIds,
  identifyBucket,
  parseShardIds,
  servesScope,
  shardOfGuild,
} from '../../src/core/shard-slice.ts';
import { GLOBAL_SCOPE, guildScope } from '../../src/core/scope.ts';

describe('shard slices', () => {
  it('places a server on the shard Discord names: (guild_id >> 22) % shard_count', () => {
    // 41771983423143937 >> 22 is 9959216934, which leaves 2 after dividing by 4.
    expect(shardOfGuild('41771983423143937', 4)).toBe(2);
    expect(shardOfGuild('41771983423143937', 1)).toBe(0);
    // Past 2^53: a Number would round the id and name the wrong shard.
    expect(shardOfGuild('1311111111111111111', 16)).toBe(
      Number((1311111111111111111n >> 22n) % 16n),
    );
  });

  it('serves the documents for every server and those of its own shards only', () => {
    const slice = { ids: [2, 3], count: 4 };
    expect(servesScope(slice, guildScope('41771983423143937'))).toBe(true);
    expect(servesScope({ ids: [0, 1], count: 4 }, guildScope('41771983423143937'))).toBe(false);
    expect(servesScope({ ids: [0, 1], count: 4 }, GLOBAL_SCOPE)).toBe(true);
    expect(servesScope(undefined, guildScope('41771983423143937'))).toBe(true);
  });

  it('puts shards in identify buckets by shard_id % max_concurrency', () => {
    expect([0, 1, 2, 3, 4].map((id) => identifyBucket(id, 2))).toEqual([0, 1, 0, 1, 0]);
    expect(identifyBucket(7, 1)).toBe(0);
  });

  it('reads ranges and lists, sorted and distinct, and writes them back', () => {
    expect(parseShardIds('0-7')).toEqual({ ids: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(parseShardIds('4, 0,2,2')).toEqual({ ids: [0, 2, 4] });
    expect(describeShardIds([0, 1, 2, 5, 7, 8])).toBe('0-2,5,7-8');
  });

  it.each(['', 'a', '1-', '3-1', '-2', '0..3'])('refuses %o as a list of shard ids', (text) => {
    expect(parseShardIds(text)).toHaveProperty('error');
  });
});

describe('FOOTNOTE_SHARD_IDS and FOOTNOTE_SHARD_COUNT', () => {
  it('run a slice of the shards in this process', () => {
    const config = parseConfig({ FOOTNOTE_SHARD_IDS: '0-1,4', FOOTNOTE_SHARD_COUNT: '8' });
    expect(config.FOOTNOTE_SHARD_IDS).toEqual([0, 1, 4]);
    expect(config.FOOTNOTE_SHARD_COUNT).toBe(8);
  });

  it('are both unset by default (one process, every shard)', () => {
    const config = parseConfig({ FOOTNOTE_SHARD_IDS: ' ', FOOTNOTE_SHARD_COUNT: '' });
    expect(config.FOOTNOTE_SHARD_IDS).toBeUndefined();
    expect(config.FOOTNOTE_SHARD_COUNT).toBeUndefined();
  });

  it.each([
    [
      { FOOTNOTE_SHARD_IDS: 'first', FOOTNOTE_SHARD_COUNT: '2' },
      'Invalid FOOTNOTE_SHARD_IDS: must list shard ids like 0-7 or 0,2,4 (“first” is neither a shard id nor a range like 0-7).',
    ],
    [
      { FOOTNOTE_SHARD_IDS: '0-3' },
      'Invalid FOOTNOTE_SHARD_COUNT: must be set with FOOTNOTE_SHARD_IDS (the total across hosts).',
    ],
    [
      { FOOTNOTE_SHARD_COUNT: '4' },
      'Invalid FOOTNOTE_SHARD_IDS: must be set with FOOTNOTE_SHARD_COUNT (the shards this host runs).',
    ],
    [
      { FOOTNOTE_SHARD_IDS: '2-4', FOOTNOTE_SHARD_COUNT: '4' },
      'Invalid FOOTNOTE_SHARD_IDS: shard 4 does not exist with FOOTNOTE_SHARD_COUNT=4 (ids run from 0 to 3).',
    ],
    [
      { FOOTNOTE_SHARD_IDS: '0', FOOTNOTE_SHARD_COUNT: '0' },
      'Invalid FOOTNOTE_SHARD_COUNT: must be the total number of shards, from 1 to 10000.',
    ],
    [
      { FOOTNOTE_SHARD_IDS: '0-1', FOOTNOTE_SHARD_COUNT: '2', FOOTNOTE_SHARDS: 'auto' },
      'Invalid FOOTNOTE_SHARDS: cannot be combined with FOOTNOTE_SHARD_IDS: use FOOTNOTE_SHARDS on one host, FOOTNOTE_SHARD_IDS with FOOTNOTE_SHARD_COUNT across hosts.',
    ],
  ])('refuse %o with one line naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });
});

describe('the shards a process serves', () => {
  it('are its slice, the one shard a ShardingManager started it for, or all of them', () => {
    const sliced = parseConfig({ FOOTNOTE_SHARD_IDS: '2-3', FOOTNOTE_SHARD_COUNT: '4' });
    expect(servedSlice(sliced, {})).toEqual({ ids: [2, 3], count: 4 });
    const shardProcess = { SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' };
    expect(servedSlice(parseConfig({}), shardProcess)).toEqual({ ids: [1], count: 2 });
    expect(servedSlice(parseConfig({}), {})).toBeUndefined();
  });
});
