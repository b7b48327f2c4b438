/**
 * Which database errors are worth waiting out: the server restarting, a dropped or refused
 * connection, and a deadlock between two of our own writers (the server aborts one transaction;
 * repeating it succeeds). Anything else (a constraint, a syntax error, a lost lease) is a real answer.
 */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '08000', '08001', '08003', '08004', '08006', // connection exceptions
  '53300', // too_many_connections
  '40P01', // deadlock_detected: two days stored at once that share certificates
]);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

export function transientDbCode(error: unknown): string | null {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code))) return code;
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/Connection terminated|terminating connection|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i.test(message)) {
    return 'connection lost';
  }
  return null;
}
