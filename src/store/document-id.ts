/** Longest slug taken from a title, before the hash suffix. */
const MAX_SLUG_CHARS = 48;

/**
 * The id of an added document: the title as lower-case words joined by dashes, then the first
 * hex digits of the content hash, lengthened until `taken` says no.
 *
 * @example
 * documentId('Russia’s QR codes: a mandate', 'a1b2c3d4…', () => false); // "russias-qr-codes-a-mandate-a1b2c3"
 */
export function documentId(
  title: string,
  contentHash: string,
  taken: (id: string) => boolean,
): string {
  const slug = slugify(title) || 'document';
  for (let digits = 6; digits <= contentHash.length; digits += 2) {
    const id = `${slug}-${contentHash.slice(0, digits).toLowerCase()}`;
    if (!taken(id)) return id;
  }
  for (let suffix = 2; ; suffix++) {
    const id = `${slug}-${contentHash.toLowerCase()}-${suffix}`;
    if (!taken(id)) return id;
  }
}

function slugify(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/['’]/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/u)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG_CHARS) return slug || word.slice(0, MAX_SLUG_CHARS);
    slug = next;
  }
  return slug;
}
