/**
 * A URL in the form used to spot the same page added twice: no fragment, no default port, no
 * trailing slash on the path, host in lower case (the URL parser's job), `http` and `https`
 * treated alike. Undefined for anything that is not an http(s) URL.
 *
 * @example
 * urlKey('HTTPS://Example.com:443/a/#top'); // "example.com/a"
 */
export function urlKey(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const path = parsed.pathname.replace(/\/+$/u, '');
  return `${parsed.host}${path}${parsed.search}`;
}
