import { UserError } from '../core/errors.ts';
import type { Store } from './store.ts';

/** What `copyStore` copied. */
export interface CopyReport {
  documents: number;
  audit: number;
  votes: number;
  gaps: number;
  /** Answers sent with buttons: their votes and paging keep working on the copy. */
  answers: number;
}

/** Rows per INSERT: well under both SQLite's and PostgreSQL's limit on bound parameters. */
const BATCH = 200;

/**
 * Copies everything one store holds into another that holds nothing yet, in one transaction of
 * the target: documents with their addresses, the audit log (in order), answers, votes, gaps and
 * the voter salt (so a member's vote from before still counts as theirs). Ids are the target's own; the
 * order of each table is kept. The changes table is not copied: processes opening the target
 * load every document anyway.
 *
 * @example
 * const report = await copyStore(await openStore(dataDir), await openStore(dataDir, { databaseUrl }));
 */
export async function copyStore(source: Store, target: Store): Promise<CopyReport> {
  const [documents, urls, audit, answers, feedback, gaps, salt] = await source.read((db) =>
    Promise.all([
      db.selectFrom('documents').selectAll().orderBy('added_at').orderBy('id').execute(),
      db.selectFrom('document_urls').selectAll().execute(),
      db.selectFrom('audit').selectAll().orderBy('id').execute(),
      db.selectFrom('answers').selectAll().orderBy('at').orderBy('id').execute(),
      db.selectFrom('feedback').selectAll().orderBy('id').execute(),
      db.selectFrom('gaps').selectAll().orderBy('id').execute(),
      db.selectFrom('settings').selectAll().where('key', '=', 'voter-salt').executeTakeFirst(),
    ]),
  );
  return target.transaction('copy the store', async (db) => {
    const held = await Promise.all(
      (['documents', 'audit', 'answers', 'feedback', 'gaps'] as const).map(async (table) => {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('count'))
          .executeTakeFirstOrThrow();
        return Number(row.count);
      }),
    );
    if (held.some((count) => count > 0))
      throw new UserError(
        `${target.where} already holds documents, audit entries, answers, votes or gaps: copy into an empty database only.`,
      );
    for (const rows of batches(documents)) await db.insertInto('documents').values(rows).execute();
    for (const rows of batches(urls)) await db.insertInto('document_urls').values(rows).execute();
    for (const rows of batches(audit.map(({ id: _id, ...row }) => row)))
      await db.insertInto('audit').values(rows).execute();
    for (const rows of batches(answers)) await db.insertInto('answers').values(rows).execute();
    // Gaps point at the vote they came with: old vote id to new.
    const voteIds = new Map<number, number>();
    for (const { id, ...row } of feedback) {
      const inserted = await db
        .insertInto('feedback')
        .values(row)
        .returning('id')
        .executeTakeFirstOrThrow();
      voteIds.set(Number(id), Number(inserted.id));
    }
    const copiedGaps = gaps.map(({ id: _id, feedback_id, ...row }) => ({
      ...row,
      feedback_id: feedback_id === null ? null : (voteIds.get(Number(feedback_id)) ?? null),
    }));
    for (const rows of batches(copiedGaps)) await db.insertInto('gaps').values(rows).execute();
    if (salt)
      await db
        .insertInto('settings')
        .values(salt)
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: salt.value }))
        .execute();
    return {
      documents: documents.length,
      audit: audit.length,
      votes: feedback.length,
      gaps: gaps.length,
      answers: answers.length,
    };
  });
}

/** `rows` in runs of `BATCH`, one INSERT each. */
function batches<T>(rows: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (let start = 0; start < rows.length; start += BATCH)
    runs.push(rows.slice(start, start + BATCH));
  return runs;
}
