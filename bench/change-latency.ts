/**
 * How long a document added by another process takes to become answerable in a running bot:
 * one openCorpus follows the store's changes (as `footnote start` does), another adds documents
 * (as `footnote add` or another host does); the time from the add's commit to the bot answering
 * with it, on SQLite (200 ms poll) and, with FOOTNOTE_DATABASE_URL, PostgreSQL (pg_notify).
 *
 *   node bin/run-ts.js bench/change-latency.ts [--adds 20]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openCorpus } from '../src/corpus/open-corpus.ts';
import type { OpenStoreOptions } from '../src/store/store.ts';
import { GLOBAL_SCOPE } from '../src/core/scope.ts';

const { values } = parseArgs({ options: { adds: { type: 'string', default: '20' } } });
const adds = Number(values.adds);
const databaseUrl = process.env['FOOTNOTE_DATABASE_URL'];

async function measure(name: string, store: OpenStoreOptions): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'footnote-latency-'));
  const bot = await openCorpus({ dataDir, store, follow: true });
  const cli = await openCorpus({ dataDir, store });
  const latencies: number[] = [];
  try {
    for (let n = 0; n < adds; n++) {
      const marker = `zq${n.toString(36)}harbour${Date.now().toString(36)}`;
      const text = `The ${marker} ferry leaves the harbour at seven every morning, tides allowing.`;
      const context = { scope: GLOBAL_SCOPE, actor: 'cli:bench', origin: 'operator' } as const;
      const preview = await cli.corpusService.preview(
        { kind: 'text', title: marker, text },
        context.scope,
      );
      const added = await cli.corpusService.commit(preview, context);
      const committed = performance.now();
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          const answer = bot.corpus.ask(`When does the ${marker} ferry leave?`);
          if (answer.status === 'answered' && answer.citations[0]?.documentId === added.id) {
            clearInterval(check);
            resolve();
          }
        }, 2);
      });
      latencies.push(performance.now() - committed);
    }
  } finally {
    await cli.close();
    await bot.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  console.log(
    `| ${name} | ${adds} | ${at(0.5).toFixed(0)} ms | ${at(0.95).toFixed(0)} ms | ${latencies.at(-1)!.toFixed(0)} ms |`,
  );
}

console.log('| store | adds | median | p95 | max |');
console.log('| --- | ---: | ---: | ---: | ---: |');
await measure('SQLite (poll 200 ms)', {});
if (databaseUrl) {
  const schema = `bench_latency_${process.pid}`;
  try {
    await measure('PostgreSQL (LISTEN/pg_notify)', { databaseUrl, schema });
  } finally {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
} else {
  console.log('PostgreSQL not measured: set FOOTNOTE_DATABASE_URL.');
}
