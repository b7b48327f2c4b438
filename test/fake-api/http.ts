/**
 * What the fake puts on the wire. Endpoints return an `Answer` (status + JSON body, or a redirect);
 * it is serialised once into a `Reply`, which is what the CDN cache keeps (so a cached answer is
 * byte-identical) and what the fault layer can cut short.
 */
import type { ServerResponse } from 'node:http';

export interface Answer {
  status: number;
  body: unknown;
  /** For redirects (the bulk-file endpoints). */
  location?: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string | number>;
  body: string;
}

export function jsonReply(answer: Answer): Reply {
  if (answer.location) return { status: answer.status, headers: { location: answer.location }, body: '' };
  const body = JSON.stringify(answer.body);
  return { status: answer.status, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, body };
}

export function textReply(status: number, contentType: string, body: string): Reply {
  return { status, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }, body };
}

/** The CDN's answer to a malformed Authorization header. */
export const BAD_HEADER = textReply(403, 'text/plain', 'Access denied. Bad authentication header.');

/** The application's answer to a well-formed token it does not know: JSON, and not wrapped under `data`. */
export const UNKNOWN_TOKEN = jsonReply({ status: 403, body: { errors: [{ code: 'UNAUTHORISED', title: 'You are not authenticated' }] } });

/** Any path the service does not have: an HTML page, so a wrong base URL never looks like an empty day. */
export const NOT_FOUND_PAGE = textReply(
  404,
  'text/html',
  '<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>',
);

/** A 200 with an HTML body (an intermediary's error or maintenance page). */
export const HTML_200 = textReply(200, 'text/html', '<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>');

/** The WAF's rate-limit answer: 429, no body, no Retry-After. */
export const BARE_429: Reply = { status: 429, headers: { 'content-length': 0 }, body: '' };

/** A 500 as the application sends it, wrapped under `data`. */
export const serverError = (message: string): Reply => jsonReply({ status: 500, body: { data: { errors: [{ code: message }] } } });

/** A gateway error page (502/503/504) from the CDN or load balancer: HTML, not the application's JSON. */
export const gatewayError = (status: number): Reply =>
  textReply(status, 'text/html', `<!DOCTYPE html><html><body><h1>${status} ERROR</h1><p>The request could not be satisfied.</p></body></html>`);

export function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, reply.headers).end(reply.body);
}

/**
 * Sends the headers and the first part of the body, then stops. 'destroy' announces the full length
 * and resets the connection (the client's HTTP library reports an error); 'end' drops the length and
 * ends the chunked body cleanly (the library reports success and only parsing the JSON fails).
 */
export function sendTruncated(res: ServerResponse, reply: Reply, mode: 'destroy' | 'end'): void {
  const part = reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2)));
  if (mode === 'end') {
    const { 'content-length': _length, ...headers } = reply.headers;
    res.writeHead(reply.status, headers).end(part);
    return;
  }
  res.writeHead(reply.status, reply.headers);
  res.write(part);
  setTimeout(() => res.destroy(), 5);
}
