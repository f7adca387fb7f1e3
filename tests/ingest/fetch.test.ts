import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { isAllowedAddress } from '../../src/ingest/address.ts';
import { fetchUrl, type FetchOptions, type Resolver } from '../../src/ingest/fetch.ts';
import { startTestServer, type TestServer } from './server.ts';

let server: TestServer;
const local: FetchOptions = { allowLoopback: true, timeoutMs: 3_000 };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** The UserError message a fetch fails with (and fails the test if it succeeds). */
async function refusal(url: string, options: FetchOptions = local): Promise<string> {
  const error = await fetchUrl(url, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).message;
}

/** A resolver that answers from a table and counts its calls. */
function resolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    return (table[hostname] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return Object.assign(lookup, { calls });
}

describe('fetchUrl: the SSRF guard', () => {
  it('refuses loopback unless FOOTNOTE_ALLOW_LOOPBACK_URLS is on', async () => {
    const closed = { allowLoopback: false };
    expect(await refusal(`${server.origin}/article`, closed)).toBe(
      'The address 127.0.0.1, a loopback address, which Footnote does not fetch.',
    );
    expect(await refusal(`http://[::1]:${server.port}/article`, closed)).toMatch(
      /::1, a loopback address/,
    );
    // 127.0.0.1 written as one number: the URL parser normalizes it before the guard looks.
    expect(await refusal(`http://2130706433:${server.port}/article`, closed)).toMatch(
      /127\.0\.0\.1, a loopback address/,
    );
  });

  it.each([
    ['http://10.0.0.8/', 'a private address'],
    ['http://192.168.1.1/admin', 'a private address'],
    ['http://169.254.169.254/latest/meta-data/', 'a cloud metadata address'],
    ['http://[fe80::1]/', 'a link-local address'],
    ['http://224.0.0.251/', 'a multicast address'],
    ['http://100.64.1.1/', 'a shared (CGNAT) address'],
    ['http://[::ffff:10.0.0.1]/', 'a private address'],
    ['http://0.0.0.0/', 'an unspecified address'],
  ])('refuses %s as %s, even with loopback allowed', async (url, kind) => {
    expect(await refusal(url)).toContain(kind);
  });

  it('refuses a host name when any address it resolves to is private', async () => {
    const lookup = resolver({ 'mixed.test': ['93.184.215.14', '10.0.0.5'] });
    expect(await refusal('https://mixed.test/page', { ...local, lookup })).toBe(
      '“mixed.test” points to 10.0.0.5, a private address, which Footnote does not fetch.',
    );
  });

  it('refuses a host name that resolves to loopback when loopback is not allowed', async () => {
    const lookup = resolver({ 'localhost.test': ['127.0.0.1'] });
    expect(
      await refusal(`http://localhost.test:${server.port}/article`, {
        lookup,
        allowLoopback: false,
      }),
    ).toMatch(/points to 127\.0\.0\.1, a loopback address/);
  });

  it('says when a host name does not resolve', async () => {
    const lookup = resolver({});
    expect(await refusal('https://nowhere.test/', { ...local, lookup })).toBe(
      'Could not find the server “nowhere.test”.',
    );
  });

  it('connects to the address it checked: DNS is asked once, and a changed answer is not used', async () => {
    let answers = 0;
    const rebinding: Resolver = async () =>
      answers++ === 0
        ? [{ address: '127.0.0.1', family: 4 }]
        : [{ address: '10.0.0.1', family: 4 }];
    const page = await fetchUrl(`http://rebind.test:${server.port}/notes.txt`, {
      ...local,
      lookup: rebinding,
    });
    expect(answers).toBe(1);
    expect(new TextDecoder().decode(page.bytes)).toContain('The ferry leaves at nine.');
    expect(server.hosts.at(-1)).toBe(`rebind.test:${server.port}`);
  });

  it.each([
    ['/redirect-to-private', /10\.0\.0\.1, a private address/],
    ['/redirect-to-metadata', /169\.254\.169\.254, a cloud metadata address/],
    ['/redirect-to-mapped', /::ffff:c0a8:1, a private address/],
    ['/redirect-to-ftp', /redirects to a ftp:\/\/ address/],
  ])('checks each redirect again: %s is refused', async (path, message) => {
    expect(await refusal(`${server.origin}${path}`)).toMatch(message);
  });

  it('refuses a redirect to 127.0.0.1 when loopback is not allowed', async () => {
    // The first hop stands in for a public site (only loopback can be reached from a test); the
    // guard then judges the redirect with loopback closed, as in production.
    let hops = 0;
    const allowAddress = (address: string) => hops++ === 0 || isAllowedAddress(address, false);
    expect(
      await refusal(`${server.origin}/redirect-to-loopback`, {
        allowLoopback: false,
        allowAddress,
      }),
    ).toBe('The address 127.0.0.1, a loopback address, which Footnote does not fetch.');
    expect(server.hosts.filter((host) => host === `127.0.0.1:${server.port}`)).not.toHaveLength(0);
  });

  it('checks the address a redirect’s host name resolves to', async () => {
    const lookup = resolver({ 'inside.test': ['10.1.2.3'] });
    expect(await refusal(`${server.origin}/redirect-to-name`, { ...local, lookup })).toBe(
      '“inside.test” points to 10.1.2.3, a private address, which Footnote does not fetch.',
    );
    expect(lookup.calls).toEqual(['inside.test']);
  });
});

describe('fetchUrl: redirects, limits and types', () => {
  it('follows up to 5 redirects and reports them', async () => {
    const page = await fetchUrl(`${server.origin}/redirect/5`, local);
    expect(page.redirects).toHaveLength(5);
    expect(page.url).toBe(`${server.origin}/article`);
    expect(page.requestedUrl).toBe(`${server.origin}/redirect/5`);
    expect(page.mediaType).toBe('text/html');
  });

  it('refuses a sixth redirect', async () => {
    expect(await refusal(`${server.origin}/redirect/6`)).toBe(
      'The link redirects more than 5 times, so it was not followed.',
    );
  });

  it('refuses a type outside the allow-list, naming it', async () => {
    expect(await refusal(`${server.origin}/image.png`)).toBe(
      'That link serves image/png; Footnote can add web pages (HTML), PDFs, plain text and Markdown.',
    );
  });

  it('reads application/octet-stream by the file extension', async () => {
    const page = await fetchUrl(`${server.origin}/notes.md`, local);
    expect(page.mediaType).toBe('text/markdown');
  });

  it('decompresses gzip', async () => {
    const page = await fetchUrl(`${server.origin}/gzipped.txt`, local);
    expect(new TextDecoder().decode(page.bytes)).toBe(
      'Compressed harbour notes: the ferry leaves at nine.',
    );
  });

  it('stops a body that streams past the size cap', async () => {
    expect(await refusal(`${server.origin}/endless.txt`, { ...local, maxBytes: 64 * 1024 })).toBe(
      'The file is larger than 64 KB, the most Footnote adds.',
    );
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    expect(await refusal(`${server.origin}/declared-big.txt`)).toBe(
      'The file is larger than 5 MB, the most Footnote adds.',
    );
  });

  it('caps what comes out of the decompressor, not what goes in', async () => {
    expect(await refusal(`${server.origin}/bomb.txt`, { ...local, maxBytes: 16 * 1024 })).toBe(
      'The file is larger than 16 KB, the most Footnote adds.',
    );
  });

  it('gives up at the deadline when the body never ends', async () => {
    const started = Date.now();
    expect(await refusal(`${server.origin}/slow.txt`, { ...local, timeoutMs: 300 })).toBe(
      `The server took longer than 0.3 seconds to send ${server.origin}/slow.txt.`,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up at the deadline when the server never answers', async () => {
    expect(await refusal(`${server.origin}/hang`, { ...local, timeoutMs: 300 })).toMatch(
      /^The server took longer than 0\.3 seconds/,
    );
  });

  it('reports an error status in one sentence', async () => {
    expect(await refusal(`${server.origin}/missing`)).toBe(
      `The server answered 404 Not Found for ${server.origin}/missing.`,
    );
  });

  it.each([
    ['not a url', '“not a url” is not a web address (it should start with https://).'],
    ['file:///etc/passwd', 'Only http:// and https:// links can be added, not file:// ones.'],
    [
      'javascript:alert(1)',
      'Only http:// and https:// links can be added, not javascript:// ones.',
    ],
  ])('refuses %s', async (url, message) => {
    expect(await refusal(url)).toBe(message);
  });
});
