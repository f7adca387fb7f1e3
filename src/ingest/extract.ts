import { UserError } from '../core/errors.ts';
import { extractHtml } from './html.ts';
import { ACCEPTED_FORMATS, acceptedMediaType, mediaTypeOf } from './limits.ts';
import { extractPdf } from './pdf.ts';
import { cleanText, decodeBytes, firstLineTitle, requireReadableText } from './text.ts';

/** What a source says about itself, and its text. Absent fields: the source does not say. */
export interface Extracted {
  title?: string | undefined;
  site?: string | undefined;
  author?: string | undefined;
  /** `YYYY-MM-DD`. */
  publishedAt?: string | undefined;
  /** The address the page names as its own (`<link rel="canonical">`, `og:url`). */
  canonicalUrl?: string | undefined;
  /** BCP 47 tag, when the source declares one. */
  language?: string | undefined;
  /** Clean text, paragraphs separated by blank lines. */
  text: string;
}

/**
 * Turns downloaded or uploaded bytes into text and metadata by their media type: HTML through
 * Readability, PDF through pdf.js, plain text and Markdown as they are (the title is the first
 * heading or line). Refusals (wrong type, no readable text, a scanned PDF) are UserErrors.
 *
 * @example
 * const { title, text } = await extract(bytes, 'text/html; charset=utf-8', 'https://example.org/a');
 */
export async function extract(
  bytes: Uint8Array,
  contentType: string,
  url?: string,
): Promise<Extracted> {
  const mediaType = acceptedMediaType(contentType);
  const what = url ? 'that page' : 'that file';
  switch (mediaType) {
    case 'text/html':
    case 'application/xhtml+xml': {
      const extracted = extractHtml(decodeBytes(bytes, contentType, true), url);
      requireReadableText(extracted.text, what);
      return extracted;
    }
    case 'application/pdf':
      return extractPdf(bytes);
    case 'text/plain':
    case 'text/markdown': {
      const raw = decodeBytes(bytes, contentType, false);
      if (raw.includes('\u0000')) throw new UserError('That file does not look like text.');
      const text = requireReadableText(cleanText(raw), what);
      return { title: firstLineTitle(text), text };
    }
    default:
      throw new UserError(
        `Footnote cannot read ${mediaTypeOf(contentType) || 'files of no stated type'}; it can add ${ACCEPTED_FORMATS}.`,
      );
  }
}
