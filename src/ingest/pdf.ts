import { UserError } from '../core/errors.ts';
import type { Extracted } from './extract.ts';
import { cleanText, firstLineTitle, oneLine, toIsoDate, toLanguageTag } from './text.ts';

interface Line {
  text: string;
  /** Baseline height on the page; larger is higher up. */
  y: number;
  /** Font size of the line's tallest text. */
  size: number;
}

interface PdfInfo {
  Title?: unknown;
  Author?: unknown;
  CreationDate?: unknown;
  Language?: unknown;
}

/**
 * The text layer of a PDF, page by page: lines joined into paragraphs where the line spacing
 * says so, words hyphenated across lines rejoined. Title, author and date from the document
 * information. A PDF with no text (a scan) is refused with a UserError.
 */
export async function extractPdf(bytes: Uint8Array): Promise<Extracted> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    // pdf.js transfers the buffer it is given: hand it a copy, the caller keeps its bytes.
    data: new Uint8Array(bytes),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
  });
  try {
    let document;
    try {
      document = await task.promise;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'PasswordException')
        throw new UserError('This PDF is protected by a password, so its text cannot be read.');
      throw new UserError('This file is not a readable PDF.');
    }
    const paragraphs: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      paragraphs.push(...pageParagraphs(content.items));
      page.cleanup();
    }
    const text = cleanText(paragraphs.join('\n\n'));
    if (!/[\p{L}\p{N}]/u.test(text))
      throw new UserError('This PDF has no text layer (a scanned document?).');
    const { info }: { info: PdfInfo } = await document.getMetadata().catch(() => ({ info: {} }));
    return {
      title: oneLine(asString(info.Title), 400) ?? firstLineTitle(text),
      author: oneLine(asString(info.Author), 200),
      publishedAt: toIsoDate(asString(info.CreationDate)),
      language: toLanguageTag(asString(info.Language)),
      text,
    };
  } finally {
    await task.destroy();
  }
}

function pageParagraphs(items: readonly unknown[]): string[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  for (const item of items) {
    if (!isTextItem(item)) continue;
    const y = item.transform[5] ?? 0;
    const size = Math.abs(item.transform[3] ?? item.height) || item.height || 10;
    if (current && Math.abs(current.y - y) > Math.max(current.size, size) * 0.5) {
      lines.push(current);
      current = undefined;
    }
    if (!current) current = { text: '', y, size };
    current.text += item.str;
    current.size = Math.max(current.size, size);
    if (item.hasEOL) {
      lines.push(current);
      current = undefined;
    }
  }
  if (current) lines.push(current);

  const paragraphs: string[] = [];
  let paragraph = '';
  let previous: Line | undefined;
  for (const line of lines) {
    const text = line.text.replace(/\s+/gu, ' ').trim();
    const gap = previous ? previous.y - line.y : 0;
    const breaks =
      text === '' || (previous && (gap > Math.max(previous.size, line.size) * 1.6 || gap < 0));
    if (breaks && paragraph) {
      paragraphs.push(paragraph);
      paragraph = '';
    }
    if (text !== '') {
      paragraph = joinLine(paragraph, text);
      previous = line;
    } else {
      previous = undefined;
    }
  }
  if (paragraph) paragraphs.push(paragraph);
  return paragraphs;
}

/** "infor-" + "mation" reads "information"; "well-" + "Known" keeps its hyphen. */
function joinLine(paragraph: string, line: string): string {
  if (paragraph === '') return line;
  if (/\p{Ll}-$/u.test(paragraph) && /^\p{Ll}/u.test(line)) return paragraph.slice(0, -1) + line;
  return `${paragraph} ${line}`;
}

function isTextItem(
  item: unknown,
): item is { str: string; transform: number[]; height: number; hasEOL: boolean } {
  return typeof item === 'object' && item !== null && 'str' in item && 'transform' in item;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
