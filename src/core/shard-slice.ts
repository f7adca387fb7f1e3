/**
 * Which shard serves which server, and which shards one process runs. Discord decides the
 * first (its formula, below); the operator the second (`FOOTNOTE_SHARD_IDS`).
 */

import type { Scope } from './scope.ts';

/** The shards one process runs, out of how many the bot runs in all. */
export interface ShardSlice {
  /** Sorted, distinct, each below `count`. */
  readonly ids: readonly number[];
  readonly count: number;
}

/**
 * The shard Discord sends a server's events and interactions to:
 * `(guild_id >> 22) % shard_count`, in BigInt (ids exceed 2^53).
 *
 * @example
 * shardOfGuild('41771983423143937', 4); // 2
 */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * Whether a process running `slice` serves the documents of `scope`: a server's on its shard
 * only, the global ones everywhere. Without a slice (one process runs every shard) everything is
 * served.
 *
 * @example
 * servesScope({ ids: [2, 3], count: 4 }, guildScope('41771983423143937')); // true: shard 2
 * servesScope({ ids: [0, 1], count: 4 }, GLOBAL_SCOPE); // true: every server sees it
 */
export function servesScope(slice: ShardSlice | undefined, scope: Scope): boolean {
  if (!slice || scope.kind === 'global') return true;
  return slice.ids.includes(shardOfGuild(scope.guildId, slice.count));
}

/**
 * The identify concurrency bucket of a shard: Discord lets one shard per bucket identify every
 * 5 s, and `max_concurrency` (from `/gateway/bot`) buckets identify side by side.
 *
 * @example
 * identifyBucket(5, 4); // 1
 */
export function identifyBucket(shardId: number, maxConcurrency: number): number {
  return shardId % Math.max(1, maxConcurrency);
}

/**
 * Reads a list of shard ids: ranges and single ids, comma-separated (`0-7`, `0,2,4`,
 * `0-3,8`). Returns them sorted and distinct, or a sentence saying what is wrong.
 *
 * @example
 * parseShardIds('4-5,0'); // { ids: [0, 4, 5] }
 * parseShardIds('3-1'); // { error: '3-1 is not a range: its end is below its start' }
 */
export function parseShardIds(text: string): { ids: number[] } | { error: string } {
  const ids = new Set<number>();
  for (const part of text.split(',').map((piece) => piece.trim())) {
    const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/u.exec(part);
    if (!match) return { error: `“${part}” is neither a shard id nor a range like 0-7` };
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) return { error: `${part} is not a range: its end is below its start` };
    for (let id = first; id <= last; id += 1) ids.add(id);
  }
  return { ids: [...ids].sort((a, b) => a - b) };
}

/**
 * The slice written back the way an operator writes it, for logs.
 *
 * @example
 * describeShardIds([0, 1, 2, 5]); // '0-2,5'
 */
export function describeShardIds(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let start = 0; start < ids.length;) {
    let end = start;
    while (end + 1 < ids.length && ids[end + 1] === ids[end]! + 1) end += 1;
    parts.push(end === start ? `${ids[start]}` : `${ids[start]}-${ids[end]}`);
    start = end + 1;
  }
  return parts.join(',');
}
