import { describe, expect, it } from 'vitest';
import { CorpusIndex } from '../../src/core/corpus-index.ts';
import { lookupDocument } from '../../src/core/lookup.ts';
import { loadShippedCorpus } from '../../src/corpus/corpus-loader.ts';

const shipped = new CorpusIndex(await loadShippedCorpus());

describe('lookupDocument', () => {
  it('finds a document by its id, whatever the case', () => {
    const lookup = lookupDocument(shipped, 'Bashkortostan-Covid-Passports');
    expect(lookup.kind === 'found' && lookup.summary.site).toBe('The Moscow Times');
  });

  it('finds the one document a site name and a typo still point to', () => {
    for (const typed of ['moscow times', 'bashkortostn', 'qr codes resistance']) {
      expect(lookupDocument(shipped, typed).kind, typed).toBe('found');
    }
  });

  it('finds nothing for words no title, site or author contains, rather than any document', () => {
    expect(lookupDocument(shipped, 'vaccine blockchain').kind).toBe('none');
    expect(lookupDocument(shipped, 'zzzz qqqq').kind).toBe('none');
    expect(shipped.resolveDocument('vaccine blockchain')).toBeUndefined();
  });

  it('names the candidates when several titles fit about equally ("lavrov")', () => {
    const lookup = lookupDocument(shipped, 'lavrov');
    expect(lookup.kind).toBe('ambiguous');
    const candidates = lookup.kind === 'ambiguous' ? lookup.candidates : [];
    expect(candidates.length).toBeGreaterThan(1);
    for (const candidate of candidates) expect(candidate.title.toLowerCase()).toContain('lavrov');
    expect(shipped.resolveDocument('lavrov')).toBeUndefined();
  });

  it('names the candidates when the words name a source several documents share ("embassy")', () => {
    // One Embassy item also has "Embassy" in its title; the word still means the site.
    const lookup = lookupDocument(shipped, 'embassy');
    expect(lookup.kind).toBe('ambiguous');
    const candidates = lookup.kind === 'ambiguous' ? lookup.candidates : [];
    expect(candidates.length).toBeGreaterThan(1);
    for (const candidate of candidates) expect(candidate.site).toContain('Embassy');
  });

  it('still finds one document by words of its title that also name its source', () => {
    const lookup = lookupDocument(shipped, 'embassy dawn sturgess');
    expect(lookup.kind === 'found' && lookup.summary.id).toBe(
      'embassy-news-2021-11-19-embassy-dawn-sturgess-public-inquiry',
    );
  });
});
