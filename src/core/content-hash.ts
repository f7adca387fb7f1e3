import { createHash } from 'node:crypto';

/**
 * What `content_hash` means everywhere: the SHA-256 of the stored text, in hex. Two documents
 * with the same hash have the same text; a stored text whose hash differs has been damaged.
 *
 * @example
 * contentHash('Hello'); // "185f8db3…"
 */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
