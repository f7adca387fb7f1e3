/** The bounds on what Footnote downloads and adds. */
export const INGEST_LIMITS = {
  /** Total time for a download, redirects included. */
  timeoutMs: 10_000,
  /** Largest body accepted, after decompression. */
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
} as const;

/** The formats Footnote can turn into text, by media type. */
export const ACCEPTED_MEDIA_TYPES = [
  'text/html',
  'application/xhtml+xml',
  'application/pdf',
  'text/plain',
  'text/markdown',
] as const;

export type AcceptedMediaType = (typeof ACCEPTED_MEDIA_TYPES)[number];

/** The formats in words, for refusals. */
export const ACCEPTED_FORMATS = 'web pages (HTML), PDFs, plain text and Markdown';

const ALIASES: Record<string, AcceptedMediaType> = { 'text/x-markdown': 'text/markdown' };

const BY_EXTENSION: Record<string, AcceptedMediaType> = {
  html: 'text/html',
  htm: 'text/html',
  xhtml: 'application/xhtml+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  text: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
};

/** The media type of a `Content-Type` value, lower-cased, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The accepted media type a `Content-Type` value names, if any. */
export function acceptedMediaType(contentType: string | undefined): AcceptedMediaType | undefined {
  const mediaType = mediaTypeOf(contentType);
  return (
    ALIASES[mediaType] ??
    ((ACCEPTED_MEDIA_TYPES as readonly string[]).find((accepted) => accepted === mediaType) as
      AcceptedMediaType | undefined)
  );
}

/** The accepted media type a file name or URL path suggests by its extension, if any. */
export function mediaTypeFromName(name: string): AcceptedMediaType | undefined {
  const extension = /\.([a-z0-9]+)$/iu.exec(name.split(/[?#]/u)[0] ?? '')?.[1]?.toLowerCase();
  return extension ? BY_EXTENSION[extension] : undefined;
}

/** "5 MB", "64 KB", "900 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
