import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/core/corpus-schema.ts';
import { loadShippedCorpus, SHIPPED_CORPUS_DIR } from '../../src/corpus/corpus-loader.ts';
import { GLOBAL_SCOPE } from '../../src/core/scope.ts';

const manifest = manifestSchema.parse(
  JSON.parse(await readFile(join(SHIPPED_CORPUS_DIR, 'manifest.json'), 'utf8')),
);
const documents = await loadShippedCorpus();

describe('the shipped corpus', () => {
  it('validates against the manifest schema the loader uses', () => {
    // Five articles and the twenty dated news items listed below the two Embassy pages.
    expect(manifest.documents).toHaveLength(25);
  });

  it('gives a URL only for the Moscow Times article, the one source that states its URL', () => {
    const withUrl = manifest.documents.filter((document) => document.url !== undefined);
    expect(withUrl.map((document) => document.site)).toEqual(['The Moscow Times']);
  });

  it('leaves the date of the RFE/RL article absent: its text gives none', () => {
    const rferl = manifest.documents.find((document) => document.site === 'RFE/RL');
    expect(rferl?.publishedAt).toBeUndefined();
  });

  it('names an author only where the text has a byline', () => {
    expect(
      manifest.documents.flatMap((document) => (document.author ? [document.author] : [])).sort(),
    ).toEqual(['Leyla Latypova', 'Neil Campbell']);
  });

  it.each([
    'days have passed',
    'Consular queries',
    '+44',
    'Follow us',
    'Original url',
    'Related article',
    'all messages',
    'Truth, Inspiration, Hope.',
    '](#)',
    '**',
    'SEE ALSO',
  ])('is cleaned of site chrome: no "%s"', (chrome) => {
    for (const document of documents) expect(document.text).not.toContain(chrome);
  });

  it('loads every document with its text and the shipped scope', () => {
    for (const document of documents) {
      // A news item is its headline and opening paragraph; the shortest is one sentence.
      expect(document.text.length).toBeGreaterThan(80);
      expect(document.scope).toEqual(GLOBAL_SCOPE);
      expect(document.origin).toBe('shipped');
    }
  });
});

describe('manifestSchema', () => {
  const valid = {
    id: 'a-doc',
    title: 'A',
    site: 'S',
    language: 'en',
    seed: 's.txt',
    provenance: 'p',
  };

  it('accepts a document whose optional fields are absent', () => {
    expect(manifestSchema.safeParse({ documents: [valid] }).success).toBe(true);
  });

  it.each([
    ['an id with capitals', { id: 'A-Doc' }],
    ['a date that is not YYYY-MM-DD', { publishedAt: 'March 24, 2021' }],
    ['a URL that is not http(s)', { url: 'ftp://example.org/a' }],
    ['an unknown field', { guessedAuthor: 'x' }],
  ])('rejects %s', (_, change) => {
    expect(manifestSchema.safeParse({ documents: [{ ...valid, ...change }] }).success).toBe(false);
  });

  it('rejects two documents with the same id', () => {
    expect(manifestSchema.safeParse({ documents: [valid, valid] }).success).toBe(false);
  });
});
