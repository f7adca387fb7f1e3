import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.ts';
import { segmentDocument } from '../core/segment.ts';
import { contentHash } from '../core/content-hash.ts';
import type { DocumentMeta, DocumentSource } from '../core/types.ts';
import { extract, type Extracted } from './extract.ts';
import { fetchUrl, type FetchOptions } from './fetch.ts';
import {
  ACCEPTED_FORMATS,
  INGEST_LIMITS,
  acceptedMediaType,
  formatBytes,
  mediaTypeFromName,
} from './limits.ts';
import { cleanText, firstLineTitle, oneLine, requireReadableText } from './text.ts';

/** Language assumed when a source declares none (Footnote's analysis is English). */
export const DEFAULT_LANGUAGE = 'en';

/**
 * What an add would store, shown to the person adding it before anything is written: plain,
 * serializable data. `commit` (CorpusService) writes it; `editPreview` changes its metadata.
 */
export interface IngestPreview extends Omit<DocumentMeta, 'id'> {
  source: DocumentSource;
  /** The address to cite: the page's canonical URL, else where it was downloaded from. */
  url?: string | undefined;
  text: string;
  contentHash: string;
  /** Characters in the text. */
  length: number;
  wordCount: number;
  passageCount: number;
  firstPassage: string;
  /** Every address the document is known by (asked for, after redirects, canonical). */
  urls: string[];
  /** A document already holding this address or text, in the scope the preview was made for. */
  duplicate?: PreviewDuplicate | undefined;
}

export interface PreviewDuplicate {
  id: string;
  title: string;
  reason: 'url' | 'content';
  /** One sentence naming the existing document, for the preview and the refusal. */
  message: string;
}

/** The metadata a person may change between preview and confirmation. Empty strings clear a field. */
export interface MetadataEdits {
  title?: string | undefined;
  site?: string | undefined;
  author?: string | undefined;
  /** `YYYY-MM-DD`, or empty to clear. */
  publishedAt?: string | undefined;
}

export interface TextInput {
  title: string;
  text: string;
  author?: string | undefined;
  site?: string | undefined;
  /** `YYYY-MM-DD`. */
  date?: string | undefined;
}

export interface AttachmentInput {
  /** The attachment URL Discord gives. */
  url: string;
  /** The file name, used for the type when the server does not say and as the source. */
  name: string;
  /** The type Discord reports, if any. */
  contentType?: string | undefined;
  /** The size Discord reports, checked before downloading. */
  size?: number | undefined;
}

const fieldMessages = {
  title: 'The title cannot be empty and must be at most 400 characters.',
  site: 'The site must be at most 200 characters.',
  author: 'The author must be at most 200 characters.',
  publishedAt: 'The date must be a real date written YYYY-MM-DD, e.g. 2021-01-21.',
} as const;

const optionalText = (max: number, message: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? oneLine(value, Number.MAX_SAFE_INTEGER) : value),
    z.string().max(max, message).optional(),
  );

/** The metadata rules for added documents; each failure is one sentence. */
export const metadataSchema = z.object({
  title: z.preprocess(
    (value) =>
      typeof value === 'string' ? (oneLine(value, Number.MAX_SAFE_INTEGER) ?? '') : value,
    z.string().min(1, fieldMessages.title).max(400, fieldMessages.title),
  ),
  site: optionalText(200, fieldMessages.site),
  author: optionalText(200, fieldMessages.author),
  publishedAt: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.iso.date({ error: fieldMessages.publishedAt }).optional(),
  ),
});

/** Validates metadata, or throws the first problem as a UserError. */
export function validateMetadata(value: MetadataEdits): z.infer<typeof metadataSchema> {
  const parsed = metadataSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UserError(parsed.error.issues[0]?.message ?? 'The metadata is not valid.');
}

/**
 * A preview with some metadata changed (and validated); the text and everything derived from it
 * stay as they are.
 *
 * @example
 * const edited = editPreview(preview, { title: 'Covid passports in Bashkortostan', publishedAt: '2021-01-21' });
 */
export function editPreview(preview: IngestPreview, edits: MetadataEdits): IngestPreview {
  const merged = validateMetadata({
    title: preview.title,
    site: preview.site,
    author: preview.author,
    publishedAt: preview.publishedAt,
    ...Object.fromEntries(Object.entries(edits).filter(([, value]) => value !== undefined)),
  });
  return { ...preview, ...merged };
}

/**
 * Downloads a URL (SSRF-guarded, see `fetchUrl`) and previews its text and metadata.
 *
 * @example
 * const preview = await ingestUrl('https://example.org/report.pdf');
 */
export async function ingestUrl(url: string, options: FetchOptions = {}): Promise<IngestPreview> {
  const fetched = await fetchUrl(url, options);
  const extracted = await extract(fetched.bytes, fetched.contentType, fetched.url);
  const host = new URL(fetched.url).hostname.replace(/^www\./u, '');
  return buildPreview(
    { ...extracted, site: extracted.site ?? host },
    { kind: 'url', ref: fetched.requestedUrl },
    {
      url: extracted.canonicalUrl ?? fetched.url,
      urls: [fetched.requestedUrl, fetched.url, extracted.canonicalUrl],
      fallbackTitle: host,
    },
  );
}

/** Downloads a Discord attachment (same guard, same formats) and previews it. */
export async function ingestAttachment(
  attachment: AttachmentInput,
  options: FetchOptions = {},
): Promise<IngestPreview> {
  const maxBytes = options.maxBytes ?? INGEST_LIMITS.maxBytes;
  if (attachment.size !== undefined && attachment.size > maxBytes)
    throw new UserError(
      `The file is larger than ${formatBytes(maxBytes)}, the most Footnote adds.`,
    );
  const fetched = await fetchUrl(attachment.url, {
    ...options,
    fallbackContentType:
      acceptedMediaType(attachment.contentType) ?? mediaTypeFromName(attachment.name),
  });
  const extracted = await extract(fetched.bytes, fetched.contentType);
  // Attachment URLs expire: the document has no address to cite, and duplicates go by text.
  return buildPreview(
    { ...extracted, canonicalUrl: undefined },
    { kind: 'attachment', ref: attachment.name },
    { fallbackTitle: titleFromName(attachment.name) },
  );
}

/** Reads a local file (CLI) and previews it; the type comes from the extension or the bytes. */
export async function ingestFile(
  path: string,
  options: Pick<FetchOptions, 'maxBytes'> = {},
): Promise<IngestPreview> {
  const maxBytes = options.maxBytes ?? INGEST_LIMITS.maxBytes;
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UserError(`${path} is not a file.`);
    if (info.size > maxBytes)
      throw new UserError(
        `The file is larger than ${formatBytes(maxBytes)}, the most Footnote adds.`,
      );
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `There is no file ${path}.` : `Cannot read ${path} (${code ?? 'error'}).`,
    );
  }
  return ingestBytes(bytes, { name, kind: 'file', maxBytes });
}

/** Previews bytes already in hand (standard input, an upload); the type is sniffed if not given. */
export async function ingestBytes(
  bytes: Uint8Array,
  options: {
    name: string;
    contentType?: string | undefined;
    kind?: 'file' | 'attachment';
    maxBytes?: number | undefined;
  },
): Promise<IngestPreview> {
  const maxBytes = options.maxBytes ?? INGEST_LIMITS.maxBytes;
  if (bytes.length > maxBytes)
    throw new UserError(
      `The file is larger than ${formatBytes(maxBytes)}, the most Footnote adds.`,
    );
  const contentType =
    options.contentType ?? mediaTypeFromName(options.name) ?? sniffMediaType(bytes);
  if (!acceptedMediaType(contentType))
    throw new UserError(`Footnote cannot read ${options.name}; it can add ${ACCEPTED_FORMATS}.`);
  const extracted = await extract(bytes, contentType);
  return buildPreview(
    { ...extracted, canonicalUrl: undefined },
    { kind: options.kind ?? 'file', ref: options.name },
    { fallbackTitle: titleFromName(options.name) },
  );
}

/**
 * Previews text pasted into the add modal. The title is required; author, site and date are
 * optional and validated like any other metadata.
 *
 * @example
 * const preview = ingestText({ title: 'Meeting notes', text: 'We agreed…', date: '2024-05-02' });
 */
export function ingestText(input: TextInput): IngestPreview {
  const metadata = validateMetadata({
    title: input.title,
    author: input.author,
    site: input.site,
    publishedAt: input.date,
  });
  const text = requireReadableText(cleanText(input.text), 'the pasted text');
  return buildPreview({ ...metadata, text }, { kind: 'text', ref: 'pasted text' }, {});
}

/** The preview of extracted text: metadata validated, passages counted, nothing written. */
export function buildPreview(
  extracted: Extracted,
  source: DocumentSource,
  context: {
    url?: string | undefined;
    urls?: readonly (string | undefined)[];
    fallbackTitle?: string | undefined;
  },
): IngestPreview {
  const text = requireReadableText(extracted.text, 'it');
  const metadata = validateMetadata({
    title: extracted.title ?? firstLineTitle(text) ?? context.fallbackTitle ?? 'Untitled',
    site: extracted.site,
    author: extracted.author,
    publishedAt: extracted.publishedAt,
  });
  const passages = segmentDocument('preview', text, metadata.title);
  return {
    source,
    ...metadata,
    url: context.url,
    language: extracted.language ?? DEFAULT_LANGUAGE,
    text,
    contentHash: contentHash(text),
    length: text.length,
    wordCount: text.split(/\s+/u).filter(Boolean).length,
    passageCount: passages.length,
    firstPassage: passages[0]?.text ?? '',
    urls: [...new Set((context.urls ?? []).filter((url): url is string => Boolean(url)))],
  };
}

/** PDF by its magic number, HTML by its opening tag, anything else as plain text. */
export function sniffMediaType(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512));
  if (head.startsWith('%PDF-')) return 'application/pdf';
  if (
    /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype html|html|head|body)\b/iu.test(
      head,
    )
  )
    return 'text/html';
  return 'text/plain';
}

function titleFromName(name: string): string | undefined {
  return oneLine(name.replace(/\.[a-z0-9]+$/iu, '').replace(/[_-]+/gu, ' '), 200);
}
