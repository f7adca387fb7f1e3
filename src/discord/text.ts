import { truncate } from '../core/text.ts';
import type { TextRange } from '../core/types.ts';

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Length in Unicode code points, the unit Discord's limits count.
 *
 * @example
 * codePointLength('Covid-19 💉'); // 10 (JavaScript's .length says 11)
 */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Characters that open or close Discord markdown anywhere in a line. */
const INLINE_MARKDOWN = /[\\*_~`|[\]<]/gu;
/** Constructs that only count at the start of a line: headings, subtext, quotes, lists. */
const LINE_START_MARKDOWN = /^([ \t]*)(?:([#>+-])|(\d+)\.)/gmu;
const MASS_MENTION = /@(everyone|here)/gu;

/**
 * Makes corpus or user text show literally in Discord: markdown (bold, italics, underline,
 * strikethrough, code, spoilers `||`, masked links `[…](…)`), line-start syntax (`#` headings,
 * `-#` subtext, `>` quotes, lists) and mention syntax (`<@…>`, `<#…>`, `<:emoji:…>`, `<t:…>`,
 * `@everyone`, `@here`) all lose their meaning. `unescapeMarkdown` reverses it exactly.
 *
 * Pings are prevented by `allowedMentions` on every reply; this only keeps the text from
 * *looking* like a mention or from breaking the formatting around it.
 *
 * @example
 * escapeMarkdown('**Note** @everyone: ||spoiler|| <@123>');
 * // "\\*\\*Note\\*\\* @\u200beveryone: \\|\\|spoiler\\|\\| \\<@123>"
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(INLINE_MARKDOWN, '\\$&')
      // Only punctuation may follow a backslash (before a digit it would show), so "1." becomes "1\.".
      .replace(LINE_START_MARKDOWN, (_, indent: string, sign?: string, number?: string) =>
        sign ? `${indent}\\${sign}` : `${indent}${number}\\.`,
      )
      .replace(MASS_MENTION, `@${ZERO_WIDTH_SPACE}$1`)
  );
}

/**
 * The inverse of `escapeMarkdown`, for reading back text this bot wrote into a message.
 *
 * @example
 * unescapeMarkdown(escapeMarkdown('a *b* @here')); // "a *b* @here"
 */
export function unescapeMarkdown(text: string): string {
  return text.replace(/@\u200b(everyone|here)/gu, '@$1').replace(/\\([\s\S])/gu, '$1');
}

/**
 * Escapes `text` and cuts it so the escaped result fits `maxCodePoints`. The cut happens before
 * escaping, so it can never leave a lone backslash that would escape what follows.
 *
 * @example
 * escapeToFit('*'.repeat(300), 256); // 127 escaped stars and an ellipsis
 */
export function escapeToFit(text: string, maxCodePoints: number): string {
  return renderToFit(text, maxCodePoints, escapeMarkdown);
}

/**
 * The rendering of the longest `truncate`d cut of `text` that fits `maxCodePoints`, for
 * renderings (escaping, bold) that make text longer. Empty when not even a cut fits.
 *
 * @example
 * renderToFit('a_b_c_d', 6, escapeMarkdown); // "a\\_b…"
 */
export function renderToFit(
  text: string,
  maxCodePoints: number,
  render: (cut: string) => string,
): string {
  // Renderings only add characters, so text longer than the limit cannot fit, nor can a longer cut.
  const length = codePointLength(text);
  if (length <= maxCodePoints) {
    const whole = render(text);
    if (codePointLength(whole) <= maxCodePoints) return whole;
  }
  let low = 0;
  let high = Math.min(length - 1, maxCodePoints);
  let best = '';
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const rendered = render(truncate(text, middle));
    if (codePointLength(rendered) <= maxCodePoints) {
      best = rendered;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

/**
 * Escapes `text` and wraps each marked range in `**bold**`. Marks are UTF-16 ranges into
 * `text`; overlapping marks are merged, adjacent ones joined (`**a****b**` would not render),
 * and whitespace at their edges left outside the asterisks (`** word**` would not render).
 *
 * @example
 * boldMarks('Bashkortostan introduced passports', [{ start: 0, end: 13 }, { start: 25, end: 34 }]);
 * // "**Bashkortostan** introduced **passports**"
 */
export function boldMarks(text: string, marks: readonly TextRange[]): string {
  let result = '';
  let position = 0;
  const escapeSlice = (start: number, end: number) =>
    escapePiece(text.slice(start, end), startsLine(text, start));
  for (const mark of normalizeMarks(text, marks)) {
    result += `${escapeSlice(position, mark.start)}**${escapeSlice(mark.start, mark.end)}**`;
    position = mark.end;
  }
  return result + escapeSlice(position, text.length);
}

function startsLine(text: string, index: number): boolean {
  return index === 0 || text[index - 1] === '\n';
}

/** Escapes a piece of a line; line-start syntax only counts where a line really starts. */
function escapePiece(piece: string, atLineStart: boolean): string {
  // A letter in front stops "-" or "1." in mid-line from being taken for a line start.
  return atLineStart ? escapeMarkdown(piece) : escapeMarkdown(`x${piece}`).slice(1);
}

function normalizeMarks(text: string, marks: readonly TextRange[]): TextRange[] {
  const sorted = marks
    .map((mark) => ({ start: Math.max(0, mark.start), end: Math.min(text.length, mark.end) }))
    .map((mark) => shrinkToNonSpace(text, mark))
    .filter((mark) => mark.end > mark.start)
    .sort((a, b) => a.start - b.start);
  const merged: TextRange[] = [];
  for (const mark of sorted) {
    const last = merged.at(-1);
    const between = last ? text.slice(last.end, mark.start) : '';
    if (last && mark.start <= last.end) last.end = Math.max(last.end, mark.end);
    // "Covid" and "19" marked apart read better as one bold "Covid-19".
    else if (last && /^[-'’]?$/u.test(between)) last.end = mark.end;
    else merged.push({ ...mark });
  }
  // A range must not split a surrogate pair: the half-characters would render as garbage.
  return merged.map((mark) => ({
    start: alignStart(text, mark.start),
    end: alignEnd(text, mark.end),
  }));
}

function shrinkToNonSpace(text: string, mark: TextRange): TextRange {
  let { start, end } = mark;
  while (start < end && isSpace(text[start]!)) start += 1;
  while (end > start && isSpace(text[end - 1]!)) end -= 1;
  return { start, end };
}

function isLowSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

function alignStart(text: string, index: number): number {
  return index > 0 && isLowSurrogate(text, index) ? index - 1 : index;
}

function alignEnd(text: string, index: number): number {
  return index < text.length && isLowSurrogate(text, index) ? index + 1 : index;
}

/**
 * A markdown link whose URL cannot end early: parentheses and spaces are percent-encoded, as
 * a `)` inside the URL would close the link. The label is escaped.
 *
 * @example
 * markdownLink('Open the passage', 'https://example.org/a_(b)#:~:text=x');
 * // "[Open the passage](https://example.org/a_%28b%29#:~:text=x)"
 */
export function markdownLink(label: string, url: string): string {
  const safeUrl = url
    .replace(/\(/gu, '%28')
    .replace(/\)/gu, '%29')
    .replace(/\s/gu, (space) => encodeURIComponent(space));
  return `[${escapeMarkdown(label)}](${safeUrl})`;
}

/**
 * Only http(s) URLs become links: Discord rejects other schemes in embeds.
 *
 * @example
 * isWebUrl('https://www.themoscowtimes.com/'); // true
 * isWebUrl('javascript:alert(1)'); // false
 */
export function isWebUrl(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

function isSpace(character: string): boolean {
  return /\s/u.test(character);
}
