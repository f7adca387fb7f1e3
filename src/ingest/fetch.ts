import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { UserError } from '../core/errors.ts';
import { addressRisk, isAllowedAddress } from './address.ts';
import {
  ACCEPTED_FORMATS,
  INGEST_LIMITS,
  acceptedMediaType,
  formatBytes,
  mediaTypeFromName,
  mediaTypeOf,
  type AcceptedMediaType,
} from './limits.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (`dns.lookup` with `all: true` by default). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface FetchOptions {
  /** Let loopback addresses through (tests against a local server). Everything else stays refused. */
  allowLoopback?: boolean | undefined;
  /** Total time for the download, redirects included (default 10 s). */
  timeoutMs?: number | undefined;
  /** Largest body accepted, after decompression (default 5 MB). */
  maxBytes?: number | undefined;
  maxRedirects?: number | undefined;
  /**
   * Test seam: which resolved addresses may be connected to, asked once per address per hop
   * (default: public ones, plus loopback with `allowLoopback`).
   */
  allowAddress?: ((address: string) => boolean) | undefined;
  /** Test seam: how host names are resolved. */
  lookup?: Resolver | undefined;
  /** Cancels the download (the caller gave up). */
  signal?: AbortSignal | undefined;
  /** Used when the server sends no type or `application/octet-stream` (an attachment's own type). */
  fallbackContentType?: string | undefined;
}

export interface FetchedResource {
  bytes: Uint8Array;
  /** The `Content-Type` to decode with, parameters (charset) included. */
  contentType: string;
  mediaType: AcceptedMediaType;
  /** The URL asked for. */
  requestedUrl: string;
  /** The URL the body came from, after redirects. */
  url: string;
  /** Each URL redirected to, in order. */
  redirects: string[];
}

const USER_AGENT = 'FootnoteBot/0.1 (document ingestion for a Discord bot)';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const defaultLookup: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Downloads an http(s) URL for ingestion, guarded against server-side request forgery: every
 * address the host resolves to must be public (not loopback, private, link-local, multicast,
 * CGNAT, cloud metadata, or an IPv6 form of those), the connection goes to the address that was
 * checked (no second DNS answer can swap it), and each redirect is checked again. The whole
 * download has one deadline and one size cap, and only accepted formats are read.
 * Every refusal is a UserError with one sentence.
 *
 * @example
 * const page = await fetchUrl('https://www.themoscowtimes.com/2021/01/21/…');
 * page.mediaType; // "text/html"
 */
export async function fetchUrl(url: string, options: FetchOptions = {}): Promise<FetchedResource> {
  const timeoutMs = options.timeoutMs ?? INGEST_LIMITS.timeoutMs;
  const maxBytes = options.maxBytes ?? INGEST_LIMITS.maxBytes;
  const maxRedirects = options.maxRedirects ?? INGEST_LIMITS.maxRedirects;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const requestedUrl = parseHttpUrl(url).href;
  let current = new URL(requestedUrl);
  const redirects: string[] = [];
  try {
    for (;;) {
      const address = await vetHost(current, options.lookup ?? defaultLookup, options, signal);
      const response = await get(current, address, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location) {
        response.destroy();
        if (redirects.length >= maxRedirects)
          throw new UserError(
            `The link redirects more than ${maxRedirects} times, so it was not followed.`,
          );
        current = parseHttpUrl(new URL(location, current).href, 'redirects to');
        redirects.push(current.href);
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new UserError(
          `The server answered ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''} for ${current.href}.`,
        );
      }
      const contentType = chooseContentType(response, current, options.fallbackContentType);
      const mediaType = acceptedMediaType(contentType);
      if (!mediaType) {
        response.destroy();
        throw new UserError(
          `That link serves ${mediaTypeOf(contentType) || 'an unnamed type'}; Footnote can add ${ACCEPTED_FORMATS}.`,
        );
      }
      const bytes = await readBody(response, maxBytes);
      return { bytes, contentType, mediaType, requestedUrl, url: current.href, redirects };
    }
  } catch (error) {
    if (deadline.aborted)
      throw new UserError(
        `The server took longer than ${formatSeconds(timeoutMs)} to send ${current.href}.`,
      );
    if (error instanceof UserError) throw error;
    if (options.signal?.aborted) throw error;
    throw new UserError(networkMessage(error, current));
  }
}

/** The URL, if it is an http(s) URL; otherwise a UserError saying what is wrong with it. */
export function parseHttpUrl(value: string, context = 'is'): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UserError(`“${cut(value)}” is not a web address (it should start with https://).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(
      context === 'is'
        ? `Only http:// and https:// links can be added, not ${url.protocol}// ones.`
        : `The link ${context} a ${url.protocol}// address, which Footnote does not follow.`,
    );
  }
  return url;
}

/** Resolves the host and returns the one address to connect to, or refuses. */
async function vetHost(
  url: URL,
  lookup: Resolver,
  options: FetchOptions,
  signal: AbortSignal,
): Promise<ResolvedAddress> {
  const host = url.hostname.replace(/^\[|\]$/gu, '');
  const literal = isIP(host);
  let addresses: readonly ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await abortable(lookup(host), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new UserError(`Could not find the server “${host}”.`);
    }
    if (addresses.length === 0) throw new UserError(`Could not find the server “${host}”.`);
  }
  const allowLoopback = options.allowLoopback ?? false;
  const allowed = options.allowAddress ?? ((address) => isAllowedAddress(address, allowLoopback));
  // Any refused answer refuses the host: a name that also points inward is not trusted at all.
  const refused = addresses.find(({ address }) => !allowed(address));
  if (refused) {
    const risk = addressRisk(refused.address) ?? 'reserved';
    throw new UserError(
      `${literal ? 'The address' : `“${host}” points to`} ${refused.address}, ${/^[aeiou]/u.test(risk) ? 'an' : 'a'} ${risk} address, which Footnote does not fetch.`,
    );
  }
  return addresses[0] as ResolvedAddress;
}

/** Sends the GET to exactly `address`, whatever DNS says by the time the socket opens. */
function get(url: URL, address: ResolvedAddress, signal: AbortSignal): Promise<IncomingMessage> {
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
  const options: RequestOptions = {
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/gu, ''),
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    headers: {
      'user-agent': USER_AGENT,
      accept:
        'text/html, application/xhtml+xml, application/pdf, text/markdown, text/plain;q=0.9, */*;q=0.1',
      'accept-encoding': 'gzip, deflate, br',
    },
    lookup: pinned,
    agent: false,
    signal,
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, resolve);
    request.on('error', reject);
    request.end();
  });
}

function chooseContentType(
  response: IncomingMessage,
  url: URL,
  fallback: string | undefined,
): string {
  const declared = response.headers['content-type'] ?? '';
  const mediaType = mediaTypeOf(declared);
  if (mediaType !== '' && mediaType !== 'application/octet-stream') return declared;
  // Servers often send no type, or octet-stream, for .md and .pdf files: trust the name then.
  return fallback ?? mediaTypeFromName(url.pathname) ?? declared;
}

/** Reads the body, decompressing, and stops as soon as it passes `maxBytes`. */
async function readBody(response: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const tooBig = () =>
    new UserError(`The file is larger than ${formatBytes(maxBytes)}, the most Footnote adds.`);
  const declared = Number(response.headers['content-length']);
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' && Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooBig();
  }
  const body = decode(response, encoding);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      response.destroy();
      body.destroy();
      throw tooBig();
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function decode(response: IncomingMessage, encoding: string): Readable {
  const decompressor =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decompressor) return response;
  pipeline(response, decompressor, () => {});
  return decompressor;
}

function networkMessage(error: unknown, url: URL): string {
  const code = (error as { code?: string }).code ?? '';
  const host = url.hostname;
  if (code === 'ECONNREFUSED') return `The server “${host}” refused the connection.`;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET')
    return `The server “${host}” closed the connection before sending the file.`;
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return `The server “${host}” could not be reached.`;
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))
    return `The secure connection to “${host}” failed (${code}).`;
  if (code.startsWith('Z_') || code === 'ERR_INVALID_CHAR' || code.startsWith('HPE_'))
    return `The server “${host}” sent a response that could not be read.`;
  return `Could not download ${url.href}${code ? ` (${code})` : ''}.`;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // The reason is the Error (or DOMException) the aborting code passed, typed `any` by the DOM.
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function formatSeconds(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return `${Number(seconds.toFixed(seconds < 1 ? 2 : 0))} second${seconds === 1 ? '' : 's'}`;
}

function cut(value: string): string {
  return value.length > 80 ? `${value.slice(0, 79)}…` : value;
}
