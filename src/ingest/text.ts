import { TextDecoder } from 'node:util';
import { UserError } from '../core/errors.ts';

/**
 * Text as Footnote stores it: NFC, `\n` line ends, no control characters, no trailing spaces,
 * paragraphs separated by exactly one blank line, nothing around.
 */
export function cleanText(text: string): string {
  return (
    text
      .normalize('NFC')
      .replace(/\r\n?/gu, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u00AD\uFEFF]/gu, '')
      .replace(/[ \t\u00A0]+$/gmu, '')
      .replace(/\n{3,}/gu, '\n\n')
      .trim()
  );
}

/** Refuses text with nothing to search in it. */
export function requireReadableText(text: string, what: string): string {
  if (!/[\p{L}\p{N}]/u.test(text)) throw new UserError(`No readable text was found in ${what}.`);
  return text;
}

/**
 * Decodes bytes to a string with the charset the `Content-Type` names, else (for HTML) the one
 * a `<meta>` declares, else UTF-8. Unknown charsets fall back to UTF-8.
 */
export function decodeBytes(bytes: Uint8Array, contentType: string, html: boolean): string {
  const declared =
    /charset\s*=\s*"?([\w.:-]+)/iu.exec(contentType)?.[1] ??
    (html ? sniffMetaCharset(bytes) : undefined);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(declared ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

function sniffMetaCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/iu.exec(head)?.[1];
}

/** A `YYYY-MM-DD` date from an ISO timestamp, an RFC 2822 date or a PDF date, if it is one. */
export function toIsoDate(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const pdf = /^D:(\d{4})(\d{2})?(\d{2})?/u.exec(trimmed);
  const iso = /^(\d{4})-(\d{2})-(\d{2})/u.exec(trimmed);
  let date: string | undefined;
  if (pdf) {
    if (!pdf[2] || !pdf[3]) return undefined;
    date = `${pdf[1]}-${pdf[2]}-${pdf[3]}`;
  } else if (iso) {
    date = `${iso[1]}-${iso[2]}-${iso[3]}`;
  } else {
    const parsed = Date.parse(trimmed);
    if (Number.isNaN(parsed)) return undefined;
    date = new Date(parsed).toISOString().slice(0, 10);
  }
  const check = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== date
    ? undefined
    : date;
}

/** A BCP 47 tag as the corpus schema accepts it ("en", "en-GB"), if the value is one. */
export function toLanguageTag(value: string | undefined | null): string | undefined {
  const [primary, ...rest] = (value ?? '').trim().replace(/_/gu, '-').split('-');
  const tag = [primary?.toLowerCase(), ...rest].join('-');
  return /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/u.test(tag) ? tag : undefined;
}

/** Collapses whitespace and trims; undefined for nothing left. */
export function oneLine(value: string | undefined | null, maxChars = 300): string | undefined {
  const line = (value ?? '').replace(/\s+/gu, ' ').trim();
  if (line === '') return undefined;
  return line.length > maxChars ? `${line.slice(0, maxChars - 1).trimEnd()}…` : line;
}

/** The first non-empty line of a text, without Markdown heading marks, as a title. */
export function firstLineTitle(text: string): string | undefined {
  const heading = /^#{1,6}[ \t]+(.+?)[ \t#]*$/mu.exec(text)?.[1];
  const first = text.split('\n').find((line) => line.trim() !== '');
  return oneLine(heading ?? first, 200);
}
