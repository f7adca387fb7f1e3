import { describe, expect, it } from 'vitest';
import { CorpusIndex } from '../../src/core/corpus-index.ts';
import { textFragmentUrl } from '../../src/core/links.ts';
import { loadShippedCorpus } from '../../src/corpus/corpus-loader.ts';

describe('textFragmentUrl', () => {
  it('quotes a short excerpt whole', () => {
    expect(textFragmentUrl('https://example.org/a', 'Passports last a year.')).toBe(
      'https://example.org/a#:~:text=Passports%20last%20a%20year',
    );
  });

  it('uses the first and last words of a long excerpt', () => {
    const quote = 'one two three four five six seven eight nine ten eleven twelve';
    expect(textFragmentUrl('https://example.org/a', quote)).toBe(
      'https://example.org/a#:~:text=one%20two%20three%20four%20five,eight%20nine%20ten%20eleven%20twelve',
    );
  });

  it('percent-encodes the dash, comma and ampersand, which the directive syntax reserves', () => {
    expect(textFragmentUrl('https://example.org/a', 'Tests, masks & Covid-19 rules')).toBe(
      'https://example.org/a#:~:text=Tests%2C%20masks%20%26%20Covid%2D19%20rules',
    );
  });

  it('matches an excerpt with a part left out inside by the words on each side of the gap', () => {
    expect(
      textFragmentUrl(
        'https://example.org/a',
        '… a fight broke out … Some 2,200 were turned away.',
      ),
    ).toBe(
      'https://example.org/a#:~:text=a%20fight%20broke%20out,Some%202%2C200%20were%20turned%20away',
    );
  });

  it('replaces an existing fragment and drops the ellipses of a cut excerpt', () => {
    expect(textFragmentUrl('https://example.org/a#top', '… masks stay on …')).toBe(
      'https://example.org/a#:~:text=masks%20stay%20on',
    );
  });
});

describe('text fragments on real citations', () => {
  it('locates the quoted Moscow Times passage: start and end terms occur in order in the article', async () => {
    const documents = await loadShippedCorpus();
    const answer = new CorpusIndex(documents).ask(
      'Which Russian region first introduced Covid-19 passports?',
    );
    if (answer.status !== 'answered') throw new Error('expected an answer');
    const citation = answer.citations.find((c) => c.url !== undefined)!;
    const directive = textFragmentUrl(citation.url!, citation.excerpt).split('#:~:text=')[1]!;
    const [start, end] = directive.split(',').map((term) => decodeURIComponent(term));
    const article = documents.find((d) => d.id === citation.documentId)!.text.replace(/\s+/g, ' ');
    const at = article.indexOf(start!);
    expect(at).toBeGreaterThanOrEqual(0);
    if (end !== undefined) expect(article.indexOf(end, at + start!.length)).toBeGreaterThan(at);
    // The fragment spans exactly the excerpt the citation quotes.
    expect(citation.excerpt.replace(/^… /, '').startsWith(start!)).toBe(true);
  });
});
