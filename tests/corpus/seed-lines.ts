/**
 * How the corpus test compares a raw seed page with what ships: each non-blank line of the seed,
 * with whitespace collapsed and Markdown link and bold markup taken off, either appears in the
 * shipped text of that seed's documents, is the dated heading of a news item shipped as its own
 * document, or was removed.
 */
import type { ShippedDocument } from '../../src/core/corpus-schema.ts';

export interface Shipped {
  meta: ShippedDocument;
  text: string;
}

/** One line as the comparison sees it: no markup, single spaces. */
export function normalizeLine(line: string): string {
  return line
    .replace(/\[([^\]]*)\]\(#\)/gu, '$1')
    .replace(/\*\*/gu, '')
    .replace(/^<(https?:\/\/[^>]+)>$/u, '$1')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** "16.09.2021 - Headline": a news item's heading on the Embassy pages. */
const NEWS_HEADING = /^(\d\d)\.(\d\d)\.(\d{4}) - (.+)$/u;

/** The news item document a heading line stands for, if one ships with that title and date. */
export function newsItemFor(line: string, shipped: readonly Shipped[]): Shipped | undefined {
  const match = NEWS_HEADING.exec(line);
  if (!match) return undefined;
  const [, day, month, year, title] = match;
  return shipped.find(
    (document) =>
      document.meta.title === title && document.meta.publishedAt === `${year}-${month}-${day}`,
  );
}

/** The seed's lines that are in none of its shipped documents, in page order. */
export function removedLines(seed: string, shipped: readonly Shipped[]): string[] {
  const texts = shipped.map((document) => normalizeLine(document.text));
  const titles = new Set(shipped.map((document) => normalizeLine(document.meta.title)));
  return seed
    .split('\n')
    .map(normalizeLine)
    .filter(
      (line) =>
        line !== '' &&
        !titles.has(line) &&
        newsItemFor(line, shipped) === undefined &&
        !texts.some((text) => text.includes(line)),
    );
}
