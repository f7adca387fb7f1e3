import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import type { HealthReport } from './health.ts';

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port; `OpsServer.port` says which. */
  port: number;
  /** What `/healthz` reports. */
  health: () => Promise<HealthReport>;
  /** The `/metrics` body and its content type. */
  metrics: () => Promise<{ contentType: string; body: string }>;
  logger: Logger;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The operations endpoint: `GET /healthz` (200 when healthy, 503 with the reasons otherwise, as
 * JSON) and `GET /metrics` (Prometheus text format). Nothing else, and nothing secret: it is
 * meant for a container health check and a Prometheus scraper, not for the internet.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((request, response) => {
    void route(request, response, options).catch((error: unknown) => {
      options.logger.error({ err: error, path: request.url }, 'operations endpoint failed');
      if (!response.headersSent) respond(response, 500, 'text/plain', 'internal error\n');
      else response.destroy();
    });
  });
  // A scraper keeps connections open; they must not hold up shutdown.
  server.keepAliveTimeout = 5_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  options.logger.info({ host: options.host, port }, 'health and metrics endpoint listening');
  return {
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  options: OpsServerOptions,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return respond(response, 405, 'text/plain', 'method not allowed\n');
  }
  if (path === '/healthz') {
    const report = await options.health();
    return respond(
      response,
      report.healthy ? 200 : 503,
      'application/json',
      `${JSON.stringify({ status: report.healthy ? 'ok' : 'unavailable', ...report })}\n`,
    );
  }
  if (path === '/metrics') {
    const { contentType, body } = await options.metrics();
    return respond(response, 200, contentType, body);
  }
  respond(response, 404, 'text/plain', 'not found: try /healthz or /metrics\n');
}

function respond(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
