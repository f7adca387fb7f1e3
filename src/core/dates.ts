/**
 * "21 January 2021": unambiguous for every reader, unlike 01/21/2021.
 *
 * @example
 * formatDate('2021-01-21'); // "21 January 2021"
 */
export function formatDate(isoDate: string | undefined): string | undefined {
  if (!isoDate) return undefined;
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return DATE_FORMAT.format(date);
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
