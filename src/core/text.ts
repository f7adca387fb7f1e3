/**
 * Cuts text to at most `max` code points (Discord counts code points, not UTF-16 units), at a
 * word boundary when there is one in the last fifth, ending with `ellipsis` when anything was
 * cut. Never splits a surrogate pair.
 *
 * @example
 * cutAtWord('Covid-19 passports in Bashkortostan', 20); // "Covid-19 passports…"
 */
export function cutAtWord(text: string, max: number, ellipsis = '…'): string {
  const codePoints = Array.from(text);
  if (codePoints.length <= max) return text;
  const room = Math.max(0, max - Array.from(ellipsis).length);
  const head = codePoints.slice(0, room).join('');
  const nextIsSpace = /^\s/u.test(codePoints[room] ?? ' ');
  const lastSpace = head.search(/\s\S*$/u);
  const cut = nextIsSpace ? head : lastSpace >= room * 0.8 ? head.slice(0, lastSpace) : head;
  return cut.replace(/[\s,;:.–—-]+$/u, '') + ellipsis;
}
