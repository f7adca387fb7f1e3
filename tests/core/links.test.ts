import { describe, expect, it } from 'vitest';
import { textFragmentUrl } from '../../src/core/links.ts';

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

  it('replaces an existing fragment and drops the ellipses of a cut excerpt', () => {
    expect(textFragmentUrl('https://example.org/a#top', '… masks stay on …')).toBe(
      'https://example.org/a#:~:text=masks%20stay%20on',
    );
  });
});
