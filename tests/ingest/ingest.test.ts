import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { segmentDocument } from '../../src/core/segment.ts';
import { extract } from '../../src/ingest/extract.ts';
import type { FetchOptions } from '../../src/ingest/fetch.ts';
import {
  editPreview,
  ingestAttachment,
  ingestBytes,
  ingestText,
  ingestUrl,
  sniffMediaType,
} from '../../src/ingest/preview.ts';
import { paragraphsOf } from '../../src/ingest/html.ts';
import { toIsoDate } from '../../src/ingest/text.ts';
import { contentHash } from '../../src/core/content-hash.ts';
import { articleHtml, minimalPdf } from './fixtures.ts';
import { startTestServer, type TestServer } from './server.ts';

let server: TestServer;
const local: FetchOptions = { allowLoopback: true, timeoutMs: 3_000 };
const bytes = (text: string) => new TextEncoder().encode(text);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).message;
}

describe('ingestUrl: a web page', () => {
  it('reads the article and its metadata with Readability, paragraph by paragraph', async () => {
    const preview = await ingestUrl(`${server.origin}/article`, local);
    expect(preview).toMatchObject({
      source: { kind: 'url', ref: `${server.origin}/article` },
      title: 'Lead in school water: the full results',
      site: 'Riverside Gazette',
      author: 'Ada Byline',
      publishedAt: '2023-03-14',
      url: `${server.origin}/article`,
      language: 'en-GB',
      contentHash: contentHash(preview.text),
      length: preview.text.length,
    });
    // The heading stays its own paragraph instead of being glued to the next one.
    expect(preview.text).toMatch(/^Passports\n\nParagraph 1 of the report/);
    expect(preview.text).not.toContain('Home');
    expect(preview.text).not.toContain('©');
    expect(preview.passageCount).toBe(segmentDocument('x', preview.text).length);
    expect(preview.firstPassage).toBe(segmentDocument('x', preview.text)[0]?.text);
    expect(preview.wordCount).toBeGreaterThan(150);
  });

  it('cites the canonical URL and remembers every address for duplicate checks', async () => {
    const preview = await ingestUrl(`${server.origin}/redirect/1`, local);
    expect(preview.url).toBe(`${server.origin}/article`);
    expect(preview.urls).toEqual([`${server.origin}/redirect/1`, `${server.origin}/article`]);
    const canonical = await ingestUrl(`${server.origin}/canonical`, local);
    expect(canonical.url).toBe(`${server.origin}/article`);
    expect(canonical.urls).toEqual([`${server.origin}/canonical`, `${server.origin}/article`]);
  });

  it('reads a PDF’s text layer and document information', async () => {
    const preview = await ingestUrl(`${server.origin}/report.pdf`, local);
    expect(preview).toMatchObject({
      title: 'Saltmarsh Bay Tides',
      author: 'Harbour Office',
      publishedAt: '2020-05-06',
      site: '127.0.0.1',
      text: 'Saltmarsh Bay tide report for the spring of 2020. The highest tide reached 5.2 metres on the 9th of March.',
    });
  });

  it('refuses a PDF without a text layer', async () => {
    expect(await refusal(ingestUrl(`${server.origin}/scan.pdf`, local))).toBe(
      'This PDF has no text layer (a scanned document?).',
    );
  });

  it('takes plain text as it is, titled by its first line', async () => {
    const preview = await ingestUrl(`${server.origin}/notes.txt`, local);
    expect(preview.title).toBe('Harbour notes');
    expect(preview.text).toBe('Harbour notes\n\nThe ferry leaves at nine.');
    // The first line is the title; it does not also open the first passage.
    expect(preview.firstPassage).toBe('The ferry leaves at nine.');
  });

  it('takes Markdown as it is, titled by its first heading', async () => {
    const preview = await ingestUrl(`${server.origin}/notes.md`, local);
    expect(preview.title).toBe('Ferry timetable');
    expect(preview.text).toBe('# Ferry timetable\n\nDepartures at nine and noon.');
  });

  it('refuses a page with no readable text', async () => {
    expect(await refusal(ingestUrl(`${server.origin}/empty.html`, local))).toMatch(
      /^No readable (article )?text was found/,
    );
  });
});

describe('extract', () => {
  it('decodes with the charset the Content-Type names', async () => {
    const latin1 = Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x74, 0x65, 0x73]);
    const extracted = await extract(latin1, 'text/plain; charset=iso-8859-1');
    expect(extracted.text).toBe('Café notes');
  });

  it('refuses binary bytes served as text', async () => {
    expect(await refusal(extract(Uint8Array.from([0x50, 0, 0x4b, 3]), 'text/plain'))).toBe(
      'That file does not look like text.',
    );
  });

  it('refuses bytes that are not a PDF', async () => {
    expect(await refusal(extract(bytes('%PDF-1.4 broken'), 'application/pdf'))).toBe(
      'This file is not a readable PDF.',
    );
  });

  it('builds paragraphs from block elements, with line breaks kept inside them', () => {
    expect(
      paragraphsOf(
        '<h2>Heading</h2><p>One <b>bold</b>\n word.</p><ul><li>A</li><li>B<br>C</li></ul>',
      ),
    ).toBe('Heading\n\nOne bold word.\n\nA\n\nB\nC');
  });

  it.each([
    ['2021-01-21T10:00:00+03:00', '2021-01-21'],
    ['D:20200506120000Z', '2020-05-06'],
    ['Thu, 21 Jan 2021 10:00:00 GMT', '2021-01-21'],
    ['2021-02-30', undefined],
    ['soon', undefined],
  ])('reads the date %s as %s', (value, date) => {
    expect(toIsoDate(value)).toBe(date);
  });
});

describe('ingestText, ingestBytes, ingestAttachment', () => {
  it('previews pasted text with the metadata typed in the modal', () => {
    const preview = ingestText({
      title: '  Meeting   notes ',
      author: 'Ada',
      date: '2024-05-02',
      text: 'We agreed to publish the results.\r\n\r\n\r\nNext meeting in June.',
    });
    expect(preview).toMatchObject({
      source: { kind: 'text', ref: 'pasted text' },
      title: 'Meeting notes',
      author: 'Ada',
      publishedAt: '2024-05-02',
      text: 'We agreed to publish the results.\n\nNext meeting in June.',
      passageCount: 1,
      urls: [],
    });
  });

  it.each([
    [
      { title: '', text: 'Some text.' },
      'The title cannot be empty and must be at most 400 characters.',
    ],
    [{ title: 'T', text: ' \n ' }, 'No readable text was found in the pasted text.'],
    [
      { title: 'T', text: 'Text.', date: '21/01/2021' },
      'The date must be a real date written YYYY-MM-DD, e.g. 2021-01-21.',
    ],
  ])('refuses %j in one sentence', (input, message) => {
    expect(() => ingestText(input)).toThrow(new UserError(message));
  });

  it('edits metadata without touching the text, and clears a field with an empty string', () => {
    const preview = ingestText({ title: 'Draft', text: 'Body text.', date: '2024-05-02' });
    const edited = editPreview(preview, { title: 'Final', author: 'Grace', publishedAt: '' });
    expect(edited).toMatchObject({ title: 'Final', author: 'Grace', text: 'Body text.' });
    expect(edited.publishedAt).toBeUndefined();
    expect(edited.contentHash).toBe(preview.contentHash);
    expect(() => editPreview(preview, { publishedAt: 'tomorrow' })).toThrow(UserError);
  });

  it('sniffs the type of bytes without a name', async () => {
    expect(sniffMediaType(minimalPdf(['x']))).toBe('application/pdf');
    expect(sniffMediaType(bytes(articleHtml()))).toBe('text/html');
    expect(sniffMediaType(bytes('just words'))).toBe('text/plain');
    const preview = await ingestBytes(bytes(articleHtml()), { name: 'standard input' });
    expect(preview.title).toBe('Lead in school water: the full results');
    expect(preview.source).toEqual({ kind: 'file', ref: 'standard input' });
  });

  it('downloads an attachment, trusting its name when the server sends octet-stream', async () => {
    const preview = await ingestAttachment(
      { url: `${server.origin}/notes.md`, name: 'notes.md', size: 60 },
      local,
    );
    expect(preview).toMatchObject({
      source: { kind: 'attachment', ref: 'notes.md' },
      title: 'Ferry timetable',
      url: undefined,
      urls: [],
    });
  });

  it('refuses an attachment over the cap before downloading it', async () => {
    const before = server.hosts.length;
    expect(
      await refusal(
        ingestAttachment(
          { url: `${server.origin}/notes.md`, name: 'big.pdf', size: 6 * 1024 * 1024 },
          local,
        ),
      ),
    ).toBe('The file is larger than 5 MB, the most Footnote adds.');
    expect(server.hosts.length).toBe(before);
  });
});
