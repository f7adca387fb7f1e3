/** How old a source may be before citations call it possibly outdated, unless configured. */
export const DEFAULT_STALE_AFTER_DAYS = 365;

const DAY_MS = 86_400_000;

/**
 * Whole days from a `YYYY-MM-DD` date to `now`; undefined for an undated or unreadable date.
 *
 * @example
 * ageInDays('2021-01-21', new Date('2021-01-31T12:00:00Z')); // 10
 */
export function ageInDays(publishedAt: string | undefined, now: Date): number | undefined {
  if (!publishedAt) return undefined;
  const published = Date.parse(`${publishedAt}T00:00:00Z`);
  if (Number.isNaN(published)) return undefined;
  return Math.floor((now.getTime() - published) / DAY_MS);
}

const LATEST =
  /\b(?:latest|newest|most\s+recent(?:ly)?|recent(?:ly)?|currently|current|nowadays|right\s+now|these\s+days|today|still|any\s+news|updates?)\b/iu;

/**
 * Whether a question asks for the newest state of things ("What is the latest on…?", "Is it
 * still…?"): then, among equally good passages, newer documents go first.
 *
 * @example
 * asksForLatest('What is the latest on QR codes in Kazan?'); // true
 * asksForLatest('When did Tatarstan introduce QR codes?');   // false
 */
export function asksForLatest(question: string): boolean {
  return LATEST.test(question);
}
