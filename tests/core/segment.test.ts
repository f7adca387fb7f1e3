import { describe, expect, it } from 'vitest';
import { PASSAGE_LIMITS, segmentDocument, splitSentences } from '../../src/core/segment.ts';

const sentence = (words: number) =>
  `Some ${Array(words - 1)
    .fill('word')
    .join(' ')}.`;
/** About 65 characters a sentence: six make a paragraph long enough to stand alone. */
const paragraph = (sentences = 6) => Array(sentences).fill(sentence(12)).join(' ');

describe('splitSentences', () => {
  const texts = (text: string) =>
    splitSentences(text).map((range) => text.slice(range.start, range.end));

  it('splits at sentence ends', () => {
    expect(texts('Passports arrive. They last a year! Why?')).toEqual([
      'Passports arrive.',
      'They last a year!',
      'Why?',
    ]);
  });

  it('does not split after an abbreviation or an initial', () => {
    expect(texts('From Feb. 5 the passports start. Radiy K. Khabirov said so.')).toEqual([
      'From Feb. 5 the passports start.',
      'Radiy K. Khabirov said so.',
    ]);
  });

  it('keeps a closing quote with its sentence', () => {
    expect(texts('He said “it is wrong.” Then he left.')).toEqual([
      'He said “it is wrong.”',
      'Then he left.',
    ]);
  });

  it('ends a sentence at a line break', () => {
    expect(texts('A heading\nThe body follows.')).toEqual(['A heading', 'The body follows.']);
  });
});

describe('segmentDocument', () => {
  it('makes one passage per paragraph, each exactly the slice of the text at its offsets', () => {
    const text = `${paragraph()}\n\n${paragraph(7)}`;
    const passages = segmentDocument('doc', text);
    expect(passages.map((passage) => passage.id)).toEqual(['doc#1', 'doc#2']);
    for (const passage of passages)
      expect(text.slice(passage.start, passage.end)).toBe(passage.text);
  });

  it('joins a heading to the paragraph it introduces', () => {
    const text = `${paragraph()}\n\n‘Immunity discrimination’\n\n${paragraph()}`;
    const passages = segmentDocument('doc', text);
    expect(passages).toHaveLength(2);
    expect(passages[1]!.text.startsWith('‘Immunity discrimination’')).toBe(true);
  });

  it('joins a short paragraph to the one before it', () => {
    const text = `${paragraph()}\n\n“People travel a lot.”\n\n${paragraph()}`;
    const passages = segmentDocument('doc', text);
    expect(passages).toHaveLength(2);
    expect(passages[0]!.text.endsWith('“People travel a lot.”')).toBe(true);
  });

  it('splits a long paragraph at sentence boundaries, each piece within the limit', () => {
    const text = paragraph(40);
    const passages = segmentDocument('doc', text);
    expect(passages.length).toBeGreaterThan(1);
    for (const passage of passages) {
      expect(passage.text.length).toBeLessThanOrEqual(PASSAGE_LIMITS.maxChars);
      expect(passage.text.endsWith('.')).toBe(true);
    }
    expect(passages.map((passage) => passage.text).join(' ')).toBe(text);
  });

  it('numbers passages from 1 in document order', () => {
    const text = [paragraph(), paragraph(), paragraph()].join('\n\n');
    expect(segmentDocument('doc', text).map((passage) => passage.ordinal)).toEqual([1, 2, 3]);
  });
});

describe('segmentDocument with the title', () => {
  const text = 'Harbour notes\n\nThe ferry leaves at nine.\n\nThe café opens at ten.';

  it('leaves out a first line that repeats the title, so it does not open the first passage', () => {
    const passages = segmentDocument('notes', text, 'Harbour notes');
    expect(passages[0]?.text).toBe('The ferry leaves at nine.\n\nThe café opens at ten.');
    expect(passages.every((passage) => !passage.text.includes('Harbour'))).toBe(true);
  });

  it('reads a Markdown heading as the line it is', () => {
    const markdown = '# Harbour notes\n\nThe ferry leaves at nine.';
    expect(segmentDocument('notes', markdown, 'Harbour notes')[0]?.text).toBe(
      'The ferry leaves at nine.',
    );
  });

  it('keeps the first line when the title is another one, or when nothing else follows', () => {
    expect(segmentDocument('notes', text, 'Ferry times')[0]?.text).toContain('Harbour notes');
    expect(segmentDocument('notes', 'Harbour notes', 'Harbour notes')[0]?.text).toBe(
      'Harbour notes',
    );
  });
});
