import { describe, expect, it } from 'vitest';
import { CorpusIndex } from '../../src/core/corpus-index.ts';
import { ageInDays, asksForLatest } from '../../src/core/recency.ts';
import type { CorpusDocument } from '../../src/core/types.ts';
import { GLOBAL_SCOPE } from '../../src/core/scope.ts';

const doc = (id: string, publishedAt: string | undefined, text: string): CorpusDocument => ({
  id,
  title: `Report ${id}`,
  text,
  publishedAt,
  language: 'en',
  scope: GLOBAL_SCOPE,
  origin: 'shipped',
});

// Two reports that answer the question equally well; only their dates differ. Ties otherwise
// go in id order, so the older one, 'a-older', would come first.
const corpus = new CorpusIndex([
  doc('a-older', '2021-06-01', 'Kazan requires QR codes on buses and trams for all passengers.'),
  doc('b-newer', '2021-12-01', 'Kazan requires QR codes on buses and trams for all passengers.'),
]);
const now = new Date('2022-01-01T00:00:00Z');

describe('ageInDays', () => {
  it('counts whole days since the publication date', () => {
    expect(ageInDays('2021-12-01', now)).toBe(31);
  });

  it('is undefined for an undated document', () => {
    expect(ageInDays(undefined, now)).toBeUndefined();
  });
});

describe('asksForLatest', () => {
  it.each(['What is the latest on QR codes in Kazan?', 'Are QR codes still required on buses?'])(
    'recognises "%s" as a question about the newest state',
    (question) => expect(asksForLatest(question)).toBe(true),
  );

  it('leaves an ordinary question alone', () => {
    expect(asksForLatest('Where are QR codes required on buses?')).toBe(false);
  });
});

describe('citations and dates', () => {
  it('marks citations older than the configured age as stale, and gives every citation its age', () => {
    const answer = corpus.ask('QR codes on buses in Kazan', { now, staleAfterDays: 60 });
    if (answer.status !== 'answered') throw new Error('expected an answer');
    const byId = Object.fromEntries(answer.citations.map((c) => [c.documentId, c]));
    expect(byId['a-older']).toMatchObject({ ageDays: 214, stale: true });
    expect(byId['b-newer']).toMatchObject({ ageDays: 31, stale: false });
  });

  it('keeps id order for an ordinary question about the same passages', () => {
    const answer = corpus.ask('Where are QR codes required on buses in Kazan?', { now });
    if (answer.status !== 'answered') throw new Error('expected an answer');
    expect(answer.citations.map((c) => c.documentId)).toEqual(['a-older', 'b-newer']);
  });

  it('puts the newer of two equally good passages first when the question asks for the latest', () => {
    const answer = corpus.ask('What is the latest on QR codes on buses in Kazan?', { now });
    if (answer.status !== 'answered') throw new Error('expected an answer');
    expect(answer.citations.map((c) => c.documentId)).toEqual(['b-newer', 'a-older']);
  });
});
