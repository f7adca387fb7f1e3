import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { articleHtml, minimalPdf } from './fixtures.ts';

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** The Host header of each request, in order. */
  hosts: string[];
  close(): Promise<void>;
}

type Route = (request: IncomingMessage, response: ServerResponse, origin: string) => void;

const PDF = minimalPdf(
  [
    'Saltmarsh Bay tide report for the spring of 2020.',
    'The highest tide reached 5.2 metres on the 9th of March.',
  ],
  { title: 'Saltmarsh Bay Tides', author: 'Harbour Office', date: '2020-05-06' },
);

const ROUTES: Record<string, Route> = {
  '/article': (_request, response) => send(response, 'text/html; charset=utf-8', articleHtml()),
  '/canonical': (_request, response, origin) =>
    send(response, 'text/html', articleHtml({ canonical: `${origin}/article` })),
  '/report.pdf': (_request, response) => send(response, 'application/pdf', PDF),
  '/scan.pdf': (_request, response) => send(response, 'application/pdf', minimalPdf(null)),
  '/notes.txt': (_request, response) =>
    send(response, 'text/plain; charset=utf-8', 'Harbour notes\n\nThe ferry leaves at nine.\n'),
  '/notes.md': (_request, response) =>
    send(
      response,
      'application/octet-stream',
      '# Ferry timetable\n\nDepartures at nine and noon.\n',
    ),
  '/gzipped.txt': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    response.end(gzipSync('Compressed harbour notes: the ferry leaves at nine.'));
  },
  // 64 kB of zeros compress to ~100 bytes: the cap counts what comes out of the decompressor.
  '/bomb.txt': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    response.end(gzipSync(Buffer.alloc(64 * 1024, 'a')));
  },
  '/image.png': (_request, response) =>
    send(response, 'image/png', Buffer.from('89504e470d0a1a0a', 'hex')),
  '/empty.html': (_request, response) =>
    send(response, 'text/html', '<!doctype html><html><body><script>1</script></body></html>'),
  '/missing': (_request, response) => {
    response.writeHead(404, { 'content-type': 'text/html' });
    response.end('not here');
  },
  // Streams 1 kB chunks without a Content-Length until the client hangs up.
  '/endless.txt': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(1024, 'x');
    const write = () => {
      while (response.write(chunk)) {
        if (response.destroyed) return;
      }
      response.once('drain', write);
    };
    write();
  },
  '/declared-big.txt': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 50 * 1024 * 1024 });
    response.write('x');
  },
  // Headers at once, then the body never finishes.
  '/slow.txt': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('The first words arrive');
  },
  '/redirect-to-loopback': (_request, response, origin) => redirect(response, `${origin}/article`),
  '/redirect-to-private': (_request, response) => redirect(response, 'http://10.0.0.1/'),
  '/redirect-to-metadata': (_request, response) =>
    redirect(response, 'http://169.254.169.254/latest/meta-data/'),
  '/redirect-to-mapped': (_request, response) => redirect(response, 'http://[::ffff:192.168.0.1]/'),
  '/redirect-to-ftp': (_request, response) => redirect(response, 'ftp://example.org/file.txt'),
  '/redirect-to-name': (_request, response) => redirect(response, 'http://inside.test/'),
};

function send(response: ServerResponse, contentType: string, body: string | Uint8Array): void {
  response.writeHead(200, { 'content-type': contentType });
  response.end(body);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location });
  response.end();
}

/**
 * A local web server on 127.0.0.1 for ingestion tests. `/redirect/<n>` redirects n times before
 * landing on `/article`; `/hang` never answers.
 */
export async function startTestServer(): Promise<TestServer> {
  const hosts: string[] = [];
  const open = new Set<ServerResponse>();
  let origin = '';
  const server: Server = createServer((request, response) => {
    hosts.push(request.headers.host ?? '');
    open.add(response);
    response.on('close', () => open.delete(response));
    const path = new URL(request.url ?? '/', origin).pathname;
    const hops = /^\/redirect\/(\d+)$/u.exec(path)?.[1];
    if (hops !== undefined) {
      const left = Number(hops);
      return redirect(response, left <= 1 ? '/article' : `/redirect/${left - 1}`);
    }
    if (path === '/hang') return;
    const route = ROUTES[path];
    if (!route) {
      response.writeHead(404);
      return response.end();
    }
    route(request, response, origin);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    hosts,
    close: () =>
      new Promise((resolve) => {
        for (const response of open) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
