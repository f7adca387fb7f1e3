import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { manifestSchema } from '../../src/core/corpus-schema.ts';
import { SHIPPED_CORPUS_DIR } from '../../src/corpus/corpus-loader.ts';
import { newsItemFor, normalizeLine, removedLines, type Shipped } from './seed-lines.ts';

/**
 * The kinds of page chrome the cleaning may remove. Anything else a seed page holds is content
 * and must ship, in a document's text or as its title.
 */
const CHROME_KINDS = [
  'masthead', // the site's tagline
  'teaser', // a truncated repeat of the article's opening, ending in "[…]"
  'byline', // the author, kept in the manifest's `author`
  'author bio',
  'dateline', // the publication date, kept in the manifest's `publishedAt`
  'page date', // the date the page was viewed, in the Embassy's header
  'clock',
  'phone',
  'counter',
  'photo caption', // describes a picture that does not ship
  'pull-quote credit', // credits a quote the body has in full
  'video player',
  'promo',
  'link', // "Related article", "SEE ALSO", "all messages"
  'url', // the source address, kept in the manifest's `url`
  'share',
] as const;

const removedSchema = z.strictObject({
  about: z.string(),
  seeds: z.record(
    z.string(),
    z.array(z.strictObject({ kind: z.enum(CHROME_KINDS), line: z.string() })),
  ),
});

const seedsDir = join(SHIPPED_CORPUS_DIR, 'seeds');
const manifest = manifestSchema.parse(
  JSON.parse(await readFile(join(SHIPPED_CORPUS_DIR, 'manifest.json'), 'utf8')),
);
const chrome = removedSchema.parse(
  JSON.parse(await readFile(join(seedsDir, 'removed-chrome.json'), 'utf8')),
);
const seedFiles = (await readdir(seedsDir)).filter((file) => file.endsWith('.txt')).sort();

async function shippedFrom(seed: string): Promise<Shipped[]> {
  return Promise.all(
    manifest.documents
      .filter((meta) => meta.seed === seed)
      .map(async (meta) => ({
        meta,
        text: await readFile(join(SHIPPED_CORPUS_DIR, `${meta.id}.txt`), 'utf8'),
      })),
  );
}

const seedText = (seed: string) => readFile(join(seedsDir, seed), 'utf8');

describe('the raw seed pages and what ships from them', () => {
  it('keeps all five seeds in the repository, each the source of a shipped document', () => {
    expect(seedFiles).toHaveLength(5);
    expect([...new Set(manifest.documents.map((meta) => meta.seed))].sort()).toEqual(seedFiles);
  });

  it.each(seedFiles)('%s: the cleaning removed only listed page chrome', async (seed) => {
    const removed = removedLines(await seedText(seed), await shippedFrom(seed));
    expect(removed).toEqual((chrome.seeds[seed] ?? []).map((entry) => entry.line));
  });

  it.each(seedFiles)(
    '%s: bylines, datelines and URLs removed from the text are in the manifest',
    async (seed) => {
      const [main] = await shippedFrom(seed);
      for (const { kind, line } of chrome.seeds[seed] ?? []) {
        if (kind === 'byline') expect(line).toContain(main!.meta.author);
        if (kind === 'url' && line.startsWith('http')) expect(line).toBe(main!.meta.url);
        if (kind === 'dateline') {
          const date = new Date(`${line.replace(/^Published: /u, '')} UTC`);
          expect(date.toISOString().slice(0, 10)).toBe(main!.meta.publishedAt);
        }
        if (kind === 'teaser') {
          expect(normalizeLine(main!.text)).toContain(line.replace(/\s*\[…\]$/u, ''));
        }
      }
    },
  );

  it.each(['003_5405c89c347b2785.txt', '004_f22195f936221375.txt'])(
    '%s: ships each dated news item below the main text as its own document',
    async (seed) => {
      const shipped = await shippedFrom(seed);
      const lines = (await seedText(seed)).split('\n').map(normalizeLine);
      const headings = lines.flatMap((line, index) =>
        /^\d\d\.\d\d\.\d{4} - /u.test(line) ? [{ line, opening: lines[index + 2]! }] : [],
      );
      expect(headings).toHaveLength(10);
      for (const { line, opening } of headings) {
        const item = newsItemFor(line, shipped);
        expect(item, line).toBeDefined();
        expect(normalizeLine(item!.text)).toBe(opening);
        expect(item!.meta.provenance).toContain(seed);
        expect(item!.meta.url).toBeUndefined();
      }
    },
  );
});

describe('removedLines', () => {
  const meta = {
    id: 'a',
    title: 'Headline',
    site: 'S',
    language: 'en',
    seed: 's',
    provenance: 'p',
  };

  it('reports a paragraph the shipped text lacks, so a dropped paragraph fails the test above', () => {
    const seed = 'Headline\n\nFirst paragraph.\n\nSecond paragraph.\n\nMoscow: 16:04\n';
    expect(removedLines(seed, [{ meta, text: 'First paragraph.\n' }])).toEqual([
      'Second paragraph.',
      'Moscow: 16:04',
    ]);
  });

  it('counts a news heading as kept only when a document has its title and date', () => {
    const seed = '16.09.2021 - Item\n\nIts opening.\n';
    const item = {
      meta: { ...meta, title: 'Item', publishedAt: '2021-09-16' },
      text: 'Its opening.',
    };
    expect(removedLines(seed, [item])).toEqual([]);
    const misdated = { ...item, meta: { ...item.meta, publishedAt: '2021-09-17' } };
    expect(removedLines(seed, [misdated])).toEqual(['16.09.2021 - Item']);
  });

  it('reads Markdown links and bold as their text', () => {
    expect(normalizeLine('Governor [announced](#). **Photo credit**')).toBe(
      'Governor announced. Photo credit',
    );
  });
});
