import { formatDate } from '../core/dates.ts';
import { describeMatches, nestQuotes } from '../core/excerpt.ts';
import { textFragmentUrl } from '../core/links.ts';
import { LOOKUP_RULES } from '../core/lookup.ts';
import { count } from '../core/text.ts';
import type { Judged } from '../core/answer.ts';
import type { Scope } from '../core/scope.ts';
import type {
  Answer,
  Citation,
  DocumentMatch,
  DocumentOrigin,
  DocumentSummary,
  ListedDocument,
  TextRange,
} from '../core/types.ts';

/** How matched words stand out: ANSI bold on a terminal, asterisks in a pipe or file. */
export interface TextStyle {
  strong: (text: string) => string;
  dim: (text: string) => string;
}

export const PLAIN_STYLE: TextStyle = { strong: (text) => `*${text}*`, dim: (text) => text };
export const ANSI_STYLE: TextStyle = {
  strong: (text) => `\u001b[1m${text}\u001b[22m`,
  dim: (text) => `\u001b[2m${text}\u001b[22m`,
};

/** Applies `strong` to each marked range of `text`. */
export function markRanges(
  text: string,
  marks: readonly TextRange[],
  strong: (text: string) => string,
): string {
  let result = '';
  let position = 0;
  for (const mark of [...marks].sort((a, b) => a.start - b.start)) {
    if (mark.start < position) continue;
    result += text.slice(position, mark.start) + strong(text.slice(mark.start, mark.end));
    position = mark.end;
  }
  return result + text.slice(position);
}

/** The citation's source line: "The Moscow Times · Leyla Latypova · 21 January 2021". */
function sourceLine(citation: Pick<Citation, 'site' | 'author' | 'publishedAt' | 'stale'>): string {
  return [
    citation.site,
    citation.author,
    formatDate(citation.publishedAt) ?? 'undated',
    citation.stale ? 'possibly outdated' : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * An answer as terminal text: each citation with its title, source, link to the passage,
 * excerpt with matched words marked, and what matched; or the no-answer with its reason.
 *
 * @example
 * console.log(renderAnswer(corpus.ask('Which region introduced passports first?'), PLAIN_STYLE));
 */
export function renderAnswer(answer: Answer, style: TextStyle = PLAIN_STYLE): string {
  if (answer.status === 'no-answer') {
    const lines = [`No good answer in the corpus. ${answer.reason}`];
    if (answer.suggestions.length > 0) {
      lines.push('', 'Closest documents:');
      for (const suggestion of answer.suggestions)
        lines.push(`  - ${suggestion.title}  (${suggestion.documentId})`);
    }
    return lines.join('\n');
  }
  const unknown = answer.unknownWords ?? [];
  const note = unknown.length > 0 ? `Not in any source: ${unknown.join(', ')}\n\n` : '';
  return (
    note +
    answer.citations
      .map((citation, index) => {
        const link = citation.url
          ? textFragmentUrl(citation.url, citation.excerpt)
          : `passage ${citation.ordinal} of ${citation.passageCount} (no web address given)`;
        return [
          `[${index + 1}] ${style.strong(citation.title)}`,
          `    ${sourceLine(citation)}`,
          `    ${link}`,
          `    “${markRanges(nestQuotes(citation.excerpt), citation.marks, style.strong)}”`,
          style.dim(`    matched ${describeMatches(citation)} · id ${citation.documentId}`),
        ].join('\n');
      })
      .join('\n\n')
  );
}

/** A document's metadata and opening, as terminal text. */
export function renderSummary(summary: DocumentSummary, style: TextStyle = PLAIN_STYLE): string {
  const rows: Array<[string, string | undefined]> = [
    ['id', summary.id],
    ['site', summary.site],
    ['author', summary.author],
    ['published', formatDate(summary.publishedAt)],
    ['url', summary.url ?? 'none given by the source'],
    ['language', summary.language],
    ['seen in', scopeLabel(summary.scope)],
    ['origin', originLabel(summary.origin)],
    ['size', `${count(summary.wordCount, 'word')} in ${count(summary.passageCount, 'passage')}`],
  ];
  return [
    style.strong(summary.title),
    ...rows
      .filter((row) => row[1] !== undefined)
      .map(([label, value]) => `  ${label.padEnd(9)} ${value}`),
    '',
    summary.summary,
  ].join('\n');
}

/**
 * The documents an ambiguous lookup could mean, the first `LOOKUP_RULES.candidates` of them: id,
 * then date and title, one per line.
 */
export function renderCandidates(candidates: readonly DocumentMatch[]): string {
  const named = candidates.slice(0, LOOKUP_RULES.candidates);
  const rest = candidates.length - named.length;
  const more =
    rest > 0 ? [`  … and ${count(rest, 'more document')}: add words to narrow it down.`] : [];
  return named
    .map(
      (candidate) =>
        `  ${candidate.documentId}\n      ${formatDate(candidate.publishedAt) ?? 'undated'} · ${candidate.title}`,
    )
    .concat(more)
    .join('\n');
}

/** Where a document is visible, in words: "every server" or "server 4177…". */
export function scopeLabel(scope: Scope): string {
  return scope.kind === 'global' ? 'every server' : `server ${scope.guildId}`;
}

/** Where a document came from, in words an operator and a server owner both read. */
export function originLabel(origin: DocumentOrigin): string {
  switch (origin) {
    case 'shipped':
      return 'shipped with Footnote';
    case 'operator':
      return 'added by the operator';
    case 'server':
      return "added by a server's moderator";
  }
}

/** The document list, newest first: date and id, then title, then where it came from. */
export function renderList(documents: readonly ListedDocument[]): string {
  if (documents.length === 0) return 'No documents.';
  const indent = ' '.repeat(19);
  return documents
    .map(
      (document) =>
        `${(formatDate(document.publishedAt) ?? 'undated').padEnd(18)} ${document.id}\n` +
        `${indent}${document.title}\n${indent}${originLabel(document.origin)}`,
    )
    .join('\n');
}

/** A judged candidate as plain data for `footnote ask --explain --json` (no passage texts). */
export function judgedAsData(judged: Judged) {
  return {
    passageId: judged.passage.id,
    documentId: judged.document.id,
    title: judged.document.title,
    score: judged.score,
    coverage: judged.coverage,
    knownCoverage: judged.knownCoverage,
    termShare: judged.termShare,
    matched: judged.matched.map((term) => term.word),
    missingNames: judged.missingNames.map((term) => term.word),
  };
}

/**
 * `footnote ask --explain`: the best candidates as the answer rules judged them, for operators
 * tuning the corpus (why a passage was quoted, or why nothing was).
 *
 * @example
 * console.log(renderJudged(corpus.explain('Which region introduced passports first?')));
 */
export function renderJudged(judged: readonly Judged[]): string {
  if (judged.length === 0) return 'No passage matched any word of the question.';
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  return judged
    .map((candidate, index) => {
      const data = judgedAsData(candidate);
      return [
        `[${index + 1}] ${data.title} (${data.passageId})`,
        `    score ${data.score.toFixed(2)} · coverage ${percent(data.coverage)} · known words ${percent(data.knownCoverage)} · words ${percent(data.termShare)}`,
        `    matched: ${data.matched.join(', ') || 'nothing'}`,
        ...(data.missingNames.length > 0
          ? [`    names the document never mentions: ${data.missingNames.join(', ')}`]
          : []),
      ].join('\n');
    })
    .join('\n\n');
}
