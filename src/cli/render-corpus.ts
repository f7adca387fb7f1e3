import { count, truncate } from '../core/text.ts';
import type { IngestPreview } from '../ingest/preview.ts';
import type { AuditEntry, StoredDocumentMeta } from '../store/store.ts';
import type { Scope } from '../core/scope.ts';
import { originLabel, PLAIN_STYLE, scopeLabel, type TextStyle } from './render.ts';
import { formatDate } from '../core/dates.ts';

const FIRST_PASSAGE_CHARS = 600;

/** What `footnote add` would store, before anything is written. */
export function renderPreview(
  preview: IngestPreview,
  scope: Scope,
  style: TextStyle = PLAIN_STYLE,
): string {
  const rows: Array<[string, string | undefined]> = [
    ['site', preview.site],
    ['author', preview.author],
    ['published', formatDate(preview.publishedAt) ?? 'undated'],
    ['url', preview.url],
    ['source', `${preview.source.kind}: ${preview.source.ref}`],
    ['language', preview.language],
    [
      'length',
      `${count(preview.length, 'character')}, ${count(preview.wordCount, 'word')}, ${count(preview.passageCount, 'passage')}`,
    ],
    ['seen in', scopeLabel(scope)],
  ];
  const lines = [
    style.strong(preview.title),
    ...rows
      .filter((row) => row[1] !== undefined)
      .map(([label, value]) => `  ${label.padEnd(9)} ${value}`),
    '',
    'First passage:',
    indent(truncate(preview.firstPassage, FIRST_PASSAGE_CHARS)),
  ];
  if (preview.duplicate) lines.push('', `Duplicate: ${preview.duplicate.message}`);
  return lines.join('\n');
}

/** Added documents, one entry each: id, title, where it came from, when and by whom. */
export function renderAddedList(documents: readonly StoredDocumentMeta[]): string {
  if (documents.length === 0) return 'No added documents.';
  return documents
    .map(
      (document) =>
        `${document.id}\n  ${document.title}\n  ${originLabel(document.origin)}, ` +
        `${document.addedAt.slice(0, 16).replace('T', ' ')} by ${document.addedBy} · ${document.source.kind}: ${document.source.ref}`,
    )
    .join('\n');
}

/** The audit log, newest first, one line each. */
export function renderHistory(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'Nothing has been added or removed yet.';
  return entries
    .map(
      (entry) =>
        `${entry.at.slice(0, 19).replace('T', ' ')}  ${entry.action.padEnd(6)} ${entry.documentId}  “${entry.title}”  by ${entry.actor} · ${entry.source}`,
    )
    .join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
