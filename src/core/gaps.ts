import { analyzeQuestion } from './analysis.ts';

/** One recorded gap: a question the corpus had no good answer to, or an answer voted down. */
export interface GapEntry {
  question: string;
  /** `gapKey(question)` when it was recorded. */
  normalized: string;
  kind: 'no-answer' | 'down-vote';
  /** ISO 8601 timestamp. */
  at: string;
}

/** Questions worded alike, counted together. */
export interface GapGroup {
  /** How many times a question of the group was recorded (asked, or voted down). */
  count: number;
  /** Of those, how many were answers voted down. */
  downVotes: number;
  /** The group's most frequent wording; the most recent one on a tie. */
  example: string;
  /** How many different wordings the group holds. */
  wordings: number;
  /** ISO 8601 timestamp of the latest entry. */
  lastAt: string;
}

/**
 * Two questions whose content terms overlap this much (Jaccard: shared terms over all terms)
 * are one gap, unless a name tells them apart: "how do I bake bread" and "how to bake sourdough
 * bread" (2 of 3) are one; "What did Germany decide about passports?" and "What did France
 * decide about passports?" (3 of 5) are two, as they differ in a name.
 */
export const GAP_SIMILARITY = 0.6;

/**
 * What questions worded alike share: their distinct content terms (stemmed, stop words out),
 * sorted. A question with no content word at all keys on its own text, lower-cased, so such
 * questions are not all lumped together.
 *
 * @example
 * gapKey('How do I bake bread?'); // "bake bread"
 * gapKey('Bread: how to bake it'); // "bake bread"
 */
export function gapKey(question: string): string {
  const terms = [...new Set(analyzeQuestion(question).map((term) => term.term))].sort();
  if (terms.length > 0) return terms.join(' ');
  return question.toLowerCase().replace(/\s+/gu, ' ').trim();
}

/**
 * Groups gaps worded alike and returns the most frequent groups first (the most recent first on
 * a tie), at most `limit`. Entries with the same `normalized` key always share a group; groups
 * then merge greedily, largest first, into the first group whose seed terms they overlap by at
 * least `GAP_SIMILARITY`, so one broad question cannot chain unrelated ones together.
 *
 * @example
 * groupGaps([
 *   { question: 'How do I bake bread?', normalized: 'bake bread', kind: 'no-answer', at: '2025-01-02T00:00:00Z' },
 *   { question: 'how to bake sourdough bread', normalized: 'bake bread sourdough', kind: 'no-answer', at: '2025-01-03T00:00:00Z' },
 * ]); // [{ count: 2, downVotes: 0, wordings: 2, example: 'how to bake sourdough bread', … }]
 */
export function groupGaps(entries: readonly GapEntry[], limit = 10): GapGroup[] {
  const byKey = new Map<string, GapEntry[]>();
  for (const entry of entries) {
    const group = byKey.get(entry.normalized);
    if (group) group.push(entry);
    else byKey.set(entry.normalized, [entry]);
  }
  const exact = [...byKey.entries()].sort(
    ([, a], [, b]) => b.length - a.length || latest(b).localeCompare(latest(a)),
  );
  const clusters: { seed: ReadonlySet<string>; names: ReadonlySet<string>; entries: GapEntry[] }[] =
    [];
  for (const [key, group] of exact) {
    const terms = new Set(key.split(' '));
    const names = namesIn(group);
    const home = clusters.find(
      (cluster) =>
        jaccard(cluster.seed, terms) >= GAP_SIMILARITY &&
        !differInName(cluster.seed, terms, new Set([...cluster.names, ...names])),
    );
    if (home) home.entries.push(...group);
    else clusters.push({ seed: terms, names, entries: [...group] });
  }
  return clusters
    .map(({ entries: group }) => summarize(group))
    .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
    .slice(0, Math.max(0, limit));
}

function summarize(entries: readonly GapEntry[]): GapGroup {
  const wordings = new Map<string, { count: number; at: string; text: string }>();
  for (const entry of entries) {
    const text = entry.question.replace(/\s+/gu, ' ').trim();
    const key = text.toLowerCase();
    const known = wordings.get(key);
    if (!known) wordings.set(key, { count: 1, at: entry.at, text });
    else {
      known.count += 1;
      if (entry.at > known.at) Object.assign(known, { at: entry.at, text });
    }
  }
  const example = [...wordings.values()].sort(
    (a, b) => b.count - a.count || b.at.localeCompare(a.at),
  )[0];
  return {
    count: entries.length,
    downVotes: entries.filter((entry) => entry.kind === 'down-vote').length,
    example: example?.text ?? '',
    wordings: wordings.size,
    lastAt: latest(entries),
  };
}

function latest(entries: readonly GapEntry[]): string {
  return entries.reduce((max, entry) => (entry.at > max ? entry.at : max), '');
}

/** The terms some wording of the group writes as a name ("Germany", "EU"). */
function namesIn(entries: readonly GapEntry[]): Set<string> {
  return new Set(
    entries.flatMap((entry) =>
      analyzeQuestion(entry.question)
        .filter((term) => term.capitalized)
        .map((term) => term.term),
    ),
  );
}

function differInName(
  a: ReadonlySet<string>,
  b: ReadonlySet<string>,
  names: ReadonlySet<string>,
): boolean {
  for (const term of a) if (!b.has(term) && names.has(term)) return true;
  for (const term of b) if (!a.has(term) && names.has(term)) return true;
  return false;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}
