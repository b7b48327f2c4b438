/** Stand-ins for a wrong EPC_API_BASE_URL: a web site that answers HTML, and a port nobody listens on. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HtmlSite {
  url: string;
  close(): Promise<void>;
}

/** Answers every request with a 200 HTML page, as a web site (or a captive portal) would. */
export async function serveHtml(): Promise<HtmlSite> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><body><h1>Get energy performance data</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A loopback port that was free a moment ago: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
