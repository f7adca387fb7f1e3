import { randomBytes } from 'node:crypto';
import type { IngestPreview } from '../ingest/preview.ts';

/** A preview waiting for its moderator's Confirm, Edit metadata or Cancel. */
export interface PendingPreview {
  preview: IngestPreview;
  /** The moderator who started the add: the only one whose buttons work. */
  ownerId: string;
  guildId: string;
}

/** A held preview and when it is forgotten (ms since the epoch). */
export interface HeldPreview extends PendingPreview {
  expiresAt: number;
}

/** As long as the interaction token that can edit the preview lives. */
export const PREVIEW_TTL_MS = 15 * 60_000;

export interface PendingPreviewsOptions {
  ttlMs?: number;
  /** Most previews held at once; the oldest are forgotten first. */
  maxEntries?: number;
  /** Most characters of text held at once (previews hold the whole text). */
  maxChars?: number;
  now?: () => number;
}

/**
 * Previews between the preview and the confirmation, in memory: they hold the whole text,
 * which cannot travel in a custom id. Keyed by a random token (`corpus:confirm:<token>`), each
 * kept for `PREVIEW_TTL_MS`. A restart forgets them all, which costs nothing: nothing was written
 * yet, and the buttons then say to start again. Bounded in count and characters, so a burst of
 * big previews cannot exhaust memory.
 *
 * @example
 * const token = pending.add({ preview, ownerId: interaction.user.id, guildId });
 * pending.get(token)?.preview.title;
 */
export class PendingPreviews {
  readonly #entries = new Map<string, HeldPreview>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxChars: number;
  readonly #now: () => number;

  constructor(options: PendingPreviewsOptions = {}) {
    this.#ttlMs = options.ttlMs ?? PREVIEW_TTL_MS;
    this.#maxEntries = options.maxEntries ?? 100;
    this.#maxChars = options.maxChars ?? 50_000_000;
    this.#now = options.now ?? Date.now;
  }

  /** Holds a preview and returns its token (URL-safe, 16 characters, no `:`). */
  add(entry: PendingPreview): string {
    const token = randomBytes(12).toString('base64url');
    this.#set(token, { ...entry, expiresAt: this.#now() + this.#ttlMs });
    return token;
  }

  /** The preview, unless it expired or was taken. */
  get(token: string): HeldPreview | undefined {
    this.#sweep();
    const entry = this.#entries.get(token);
    return entry && { ...entry };
  }

  /** Replaces a held preview (after Edit metadata), keeping its expiry. False if it is gone. */
  replace(token: string, preview: IngestPreview): boolean {
    const entry = this.#entries.get(token);
    if (!entry || entry.expiresAt <= this.#now()) return false;
    entry.preview = preview;
    return true;
  }

  /** Removes and returns the preview, so a second press of Confirm finds nothing. */
  take(token: string): HeldPreview | undefined {
    const entry = this.get(token);
    this.#entries.delete(token);
    return entry;
  }

  /** Puts back a taken preview whose confirmation failed, with its expiry, to try again. */
  restore(token: string, entry: HeldPreview): void {
    this.#set(token, entry);
  }

  get size(): number {
    this.#sweep();
    return this.#entries.size;
  }

  #set(token: string, entry: HeldPreview): void {
    this.#entries.delete(token);
    this.#entries.set(token, { ...entry });
    this.#sweep();
  }

  /** Forgets expired previews, then the oldest while over a bound (Maps iterate oldest first). */
  #sweep(): void {
    const now = this.#now();
    let chars = 0;
    for (const [token, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(token);
      else chars += entry.preview.text.length;
    }
    for (const [token, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && chars <= this.#maxChars) break;
      this.#entries.delete(token);
      chars -= entry.preview.text.length;
    }
  }
}
