/**
 * `npm run bench`: retrieval quality on the shipped corpus (and, in later sections, SQuAD and
 * speed), printed as Markdown tables; `npm run bench -- --json` prints one JSON object.
 * Benchmarks are kept apart from the tests: figures are reported, never asserted.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { EMPTY_VOCABULARY } from '../src/core/vocabulary.ts';
import { openLibrary } from '../src/library/open.ts';
import {
  evaluate,
  footnoteRetriever,
  loadQuestionSet,
  miniSearchDefaultsRetriever,
  type QualityRow,
} from './quality.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const benchDataDir = await mkdtemp(join(tmpdir(), 'footnote-bench-'));
const library = await openLibrary({ dataDir: benchDataDir });
// The same library without the synonym map, to show what `corpus/vocabulary.json` adds.
const withoutVocabulary = await openLibrary({ dataDir: benchDataDir, vocabulary: EMPTY_VOCABULARY });

const quality: Record<string, QualityRow[]> = {};
for (const [name, file] of [
  ['tuning', 'questions.json'],
  ['heldout', 'questions-heldout.json'],
] as const) {
  const set = await loadQuestionSet(here(file));
  quality[name] = [
    evaluate('footnote', footnoteRetriever(library), set),
    evaluate('footnote-without-vocabulary', footnoteRetriever(withoutVocabulary), set),
    evaluate('minisearch-defaults', miniSearchDefaultsRetriever(library), set),
  ];
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

if (values.json) {
  const strip = (rows: QualityRow[]) => rows.map(({ misses: _m, falseAnswers: _f, ...row }) => row);
  console.log(
    JSON.stringify(
      {
        machine,
        corpus: { tuning: strip(quality['tuning']!), heldout: strip(quality['heldout']!) },
      },
      null,
      2,
    ),
  );
} else {
  console.log(`# Footnote bench\n\nMachine: ${machine}\n`);
  for (const [name, rows] of Object.entries(quality)) {
    const first = rows[0]!;
    console.log(
      `## Shipped corpus, ${name} questions (${first.answerable} answerable, ${first.unanswerable} unanswerable)\n`,
    );
    console.log('| system | hit@1 | hit@3 | MRR | unanswerable refused | answerable refused |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const row of rows) {
      console.log(
        `| ${row.system} | ${row.hitAt1} % | ${row.hitAt3} % | ${row.mrr.toFixed(3)} | ${row.refusedUnanswerable} % | ${row.wronglyRefused} |`,
      );
    }
    console.log('');
    if (values.verbose) {
      for (const miss of first.misses) {
        console.log(
          `- miss (${miss.refused ? 'refused' : `rank ${miss.rank ?? '—'}`}): ${miss.question}`,
        );
      }
      for (const question of first.falseAnswers)
        console.log(`- answered, should refuse: ${question}`);
      console.log('');
    }
  }
}
