/**
 * A guild id (snowflake) that Discord's formula, `(id >> 22) % shardCount`, places on `shard`.
 * `serial` tells several of one shard apart.
 *
 * @example
 * guildOnShard(2, 4); // '16777216008388608': (16777216008388608n >> 22n) % 4n is 2n
 */
export function guildOnShard(shard: number, shardCount: number, serial = 0): string {
  // 4e9 << 22 is about 1.7e16: 17 digits, as real guild ids have.
  const base = 4_000_000_000n - (4_000_000_000n % BigInt(shardCount));
  const high = base + BigInt(shard) + BigInt(serial) * BigInt(shardCount);
  return ((high << 22n) | BigInt(serial)).toString();
}
