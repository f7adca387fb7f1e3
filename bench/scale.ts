/**
 * Past one machine: what one index per process (a shard slice, `FOOTNOTE_SHARD_IDS`) saves over
 * today's one index per shard (`FOOTNOTE_SHARDS`, every shard process indexing every server's
 * documents), at the same corpus, side by side in one run.
 *
 * The corpus: `passages` passages of the speed section's text, one document in ten for every
 * server, the others spread over 64 servers that Discord's formula puts evenly on the shards.
 * The last `changes` documents are added "while the process was down": each start loads its
 * snapshot, then applies those of them it serves, as it would from the changes table.
 * Every figure comes from a fresh Node process (`scale-child.ts`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeShardIds } from '../src/core/shard-slice.ts';
import type { CorpusDocument } from '../src/core/types.ts';
import { takeCorpus, type CorpusSource } from './synthetic-corpus.ts';
import { runBenchChild } from './child.ts';
import { GLOBAL_SCOPE, guildScope } from '../src/core/scope.ts';

export interface SnapshotResult {
  documents: number;
  passages: number;
  buildMs: number;
}

export interface StartResult {
  documents: number;
  passages: number;
  readMs: number;
  /** `new CorpusIndex(documents, savedIndex)`. */
  constructMs: number;
  /** Changes since the snapshot this process served and indexed. */
  changesApplied: number;
  /** Changes since the snapshot for other slices' servers, passed over. */
  changesSkipped: number;
  catchUpMs: number;
  /** Read + construct + catch up: the start from a snapshot. */
  totalMs: number;
  /** Heap of the corpus (passages, index) over the documents' text, once collections settle. */
  heapMB: number | null;
  /** The text of the documents held, in MB of characters (one byte each in V8's one-byte strings). */
  textMB: number;
}

export interface ScaleRow {
  layout: 'one index per shard' | 'one index per process';
  /** What one process runs. */
  shards: string;
  processesPerHost: number;
  snapshot: SnapshotResult;
  start: StartResult;
}

export interface ScaleReport {
  passages: number;
  shardCount: number;
  hosts: number;
  guilds: number;
  changes: number;
  rows: ScaleRow[];
}

const GUILDS = 64;
/** One document in this many is for every server (the operator's). */
const EVERYWHERE_EVERY = 10;

/**
 * A guild id whose shard is `shard` of `shardCount` by Discord's formula, `(id >> 22) % count`.
 * Ids of real size (17 digits).
 */
function guildOnShard(shard: number, shardCount: number, serial: number): string {
  const base = 4_000_000_000n - (4_000_000_000n % BigInt(shardCount));
  return ((base + BigInt(shard + serial * shardCount)) << 22n).toString();
}

/** The bench corpus, scoped: the same in the parent and in every child process. */
export function benchCorpus(
  source: CorpusSource,
  { passages, shardCount, changes }: { passages: number; shardCount: number; changes: number },
): { documents: CorpusDocument[]; since: CorpusDocument[] } {
  const all = takeCorpus(source, { passages }).map((document, index): CorpusDocument => {
    if (index % EVERYWHERE_EVERY === 0) return { ...document, scope: GLOBAL_SCOPE };
    const guild = index % GUILDS;
    const guildId = guildOnShard(guild % shardCount, shardCount, Math.floor(guild / shardCount));
    return { ...document, scope: guildScope(guildId), origin: 'server' };
  });
  return { documents: all.slice(0, all.length - changes), since: all.slice(all.length - changes) };
}

const CHILD = new URL('scale-child.ts', import.meta.url);

function runChild<T>(args: string[]): T {
  return runBenchChild<T>(CHILD, args);
}

export interface ScaleOptions {
  squadFile: string | undefined;
  quick: boolean;
  progress: (message: string) => void;
}

export async function runScale(options: ScaleOptions): Promise<ScaleReport> {
  const passages = options.quick ? 10_000 : 100_000;
  const shardCount = 8;
  const hosts = 2;
  const changes = 20;
  const perHost = shardCount / hosts;
  const firstHost = describeShardIds(Array.from({ length: perHost }, (_, id) => id));
  const rows: ScaleRow[] = [];
  for (const [layout, slice, processesPerHost] of [
    ['one index per shard', 'all', perHost],
    ['one index per process', firstHost, 1],
  ] as const) {
    const dir = await mkdtemp(join(tmpdir(), 'footnote-bench-scale-'));
    try {
      const common = [
        ...['--passages', String(passages), '--shard-count', String(shardCount)],
        ...['--slice', slice, '--dir', dir, '--changes', String(changes)],
        ...(options.squadFile ? ['--squad', options.squadFile] : []),
      ];
      options.progress(`scale: ${layout}, building its snapshot`);
      const snapshot = runChild<SnapshotResult>(['--mode', 'snapshot', ...common]);
      options.progress(`scale: ${layout}, starting from the snapshot`);
      const start = runChild<StartResult>(['--mode', 'start', ...common]);
      rows.push({
        layout,
        shards: slice === 'all' ? '1 (every server’s documents)' : `${slice} of ${shardCount}`,
        processesPerHost,
        snapshot,
        start,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { passages, shardCount, hosts, guilds: GUILDS, changes, rows };
}

const formatMs = (ms: number) => Math.round(ms).toLocaleString('en-US');

export function scaleMarkdown(report: ScaleReport): string {
  const [perShard, perProcess] = report.rows;
  const hostHeap = (row: ScaleRow) =>
    row.start.heapMB === null ? null : (row.start.heapMB + row.start.textMB) * row.processesPerHost;
  const hostCpu = (row: ScaleRow) => row.start.totalMs * row.processesPerHost;
  const lines = [
    `## Past one machine: one index per process vs one per shard (${report.passages.toLocaleString('en-US')} passages)\n`,
    `${report.shardCount} shards on ${report.hosts} hosts; ${report.guilds} servers spread evenly over the shards, ` +
      `one document in ${EVERYWHERE_EVERY} for every server; ${report.changes} documents added since the snapshot. ` +
      'Each start reads the saved index, builds the corpus from it and applies the changes it serves, in a fresh process. ' +
      'Heap: what the corpus adds (passages, index) once collections settle; text: the characters of the documents held, which the process also keeps. Per host: times the processes a host runs.\n',
    '| layout | one process runs | processes per host | passages held | snapshot build ms | start ms (read + corpus + catch-up) | changes applied / skipped | heap MB per process | text MB per process | heap + text MB per host | start CPU ms per host |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...report.rows.map(
      (row) =>
        `| ${row.layout} | ${row.shards} | ${row.processesPerHost} | ${row.start.passages.toLocaleString('en-US')} | ${formatMs(row.snapshot.buildMs)} | ` +
        `${formatMs(row.start.totalMs)} (${formatMs(row.start.readMs)} + ${formatMs(row.start.constructMs)} + ${formatMs(row.start.catchUpMs)}) | ` +
        `${row.start.changesApplied} / ${row.start.changesSkipped} | ${row.start.heapMB ?? '—'} | ${row.start.textMB} | ${hostHeap(row) ?? '—'} | ${formatMs(hostCpu(row))} |`,
    ),
  ];
  if (perShard && perProcess) {
    const ratio = (a: number | null, b: number | null) =>
      a === null || b === null || b === 0 ? '—' : `×${(a / b).toFixed(2)}`;
    lines.push(
      `| per process ÷ per shard | | | ${ratio(perProcess.start.passages, perShard.start.passages)} | ${ratio(perProcess.snapshot.buildMs, perShard.snapshot.buildMs)} | ` +
        `${ratio(perProcess.start.totalMs, perShard.start.totalMs)} | | ${ratio(perProcess.start.heapMB, perShard.start.heapMB)} | ${ratio(perProcess.start.textMB, perShard.start.textMB)} | ` +
        `${ratio(hostHeap(perProcess), hostHeap(perShard))} | ${ratio(hostCpu(perProcess), hostCpu(perShard))} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
