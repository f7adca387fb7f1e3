const ELLIPSIS = '…';

/**
 * A number with its unit, grouped as people read it and in the plural unless it is one.
 *
 * @example
 * count(1, 'passage'); // "1 passage"
 * count(12500, 'word'); // "12,500 words"
 */
export function count(value: number, unit: string): string {
  return `${value.toLocaleString('en-GB')} ${unit}${value === 1 ? '' : 's'}`;
}

/**
 * Cuts `text` to at most `maxCodePoints` code points, at a word boundary when one is close
 * enough, and ends it with `ellipsis` when anything was cut. The result is always a prefix of
 * `text` followed by `ellipsis`, so ranges computed on `text` stay valid on what is kept.
 * Never splits a surrogate pair.
 *
 * @example
 * truncate('Russian Region Becomes First to Introduce Covid-19 Passports', 30);
 * // "Russian Region Becomes First…"
 */
export function truncate(text: string, maxCodePoints: number, ellipsis = ELLIPSIS): string {
  const points = firstCodePoints(text, maxCodePoints + 1);
  if (points.length <= maxCodePoints) return text;
  const ellipsisPoints = Array.from(ellipsis);
  const room = maxCodePoints - ellipsisPoints.length;
  if (room <= 0) return ellipsisPoints.slice(0, Math.max(0, maxCodePoints)).join('');
  let cut = room;
  if (!isSpace(points[room]!)) {
    const lastSpace = points.slice(0, room).findLastIndex(isSpace);
    // Losing more than half the room to reach a space is worse than cutting a long word.
    if (lastSpace >= room / 2) cut = lastSpace;
  }
  const head = points.slice(0, cut).join('');
  const trimmed = head.replace(/[\s,;:.–—-]+$/u, '');
  return (trimmed === '' ? head : trimmed) + ellipsis;
}

/** The first `count` code points of `text`, without splitting all of a long text. */
function firstCodePoints(text: string, count: number): string[] {
  const points: string[] = [];
  if (count <= 0) return points;
  for (const point of text) {
    points.push(point);
    if (points.length >= count) break;
  }
  return points;
}

function isSpace(character: string): boolean {
  return /\s/u.test(character);
}
