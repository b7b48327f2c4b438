/**
 * The fake EPB API as a standalone process, for demos and manual runs:
 *
 *   node --import tsx test/fake-api/serve.ts --from 2026-10-01 --to 2026-10-31 --port 8089
 *
 * Options: --from/--to (registration days to generate; default the 30 days before today), --per-day N
 * (weekday rows, a quarter of that at weekends; default 5000), --seed N, --port N (default 8089),
 * --host H, --today yyyy-MM-dd (fix the service's "today"), --no-rate-limit, --cache-ttl MS,
 * --stable (no tie reordering), --faults '{"rate429":0.05,"seed":1}' (FaultOptions as JSON).
 * Prints the URL and token, then serves until interrupted.
 */
import { parseArgs } from 'node:util';
import { addDays, londonToday } from './days.js';
import { generateDataset, weekdayWeighted } from './generate.js';
import { startFakeApi } from './server.js';
import type { FaultOptions } from './faults.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    'per-day': { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    port: { type: 'string', default: '8089' },
    host: { type: 'string', default: '127.0.0.1' },
    today: { type: 'string' },
    'no-rate-limit': { type: 'boolean', default: false },
    'cache-ttl': { type: 'string', default: '0' },
    stable: { type: 'boolean', default: false },
    faults: { type: 'string' },
  },
  strict: true,
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
function day(name: string, value: string | undefined, fallback: string): string {
  const v = value ?? fallback;
  if (!DAY.test(v)) throw new Error(`--${name} must be yyyy-MM-dd, not ${v}`);
  return v;
}
function int(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${value}`);
  return n;
}

const fixedToday = values.today === undefined ? undefined : day('today', values.today, '');
const today = fixedToday ?? londonToday();
const from = day('from', values.from, addDays(today, -30));
const to = day('to', values.to, addDays(today, -1));
const perDay = int('per-day', values['per-day']);
const seed = int('seed', values.seed);

const api = await startFakeApi({
  host: values.host,
  port: int('port', values.port),
  seed,
  ...(fixedToday ? { today: () => fixedToday } : {}),
  ...(values['no-rate-limit'] ? { rateLimit: false as const } : {}),
  cacheTtlMs: int('cache-ttl', values['cache-ttl']),
  unstableOrder: !values.stable,
  ...(values.faults ? { faults: JSON.parse(values.faults) as FaultOptions } : {}),
});

const started = performance.now();
const rows = generateDataset({ from, to, perDay: weekdayWeighted(perDay), seed });
api.store.addCertificates(rows);
const ms = Math.round(performance.now() - started);

process.stdout.write(
  [
    `fake EPB API listening on ${api.url}`,
    `token: ${api.token}`,
    `certificates: ${rows.length} registered ${from} .. ${to} (generated in ${ms} ms); today is ${api.today()}`,
    `try: curl -H "Authorization: Bearer ${api.token}" "${api.url}/api/domestic/search?date_start=${to}&date_end=${to}&page_size=2"`,
    '',
  ].join('\n'),
);

const stop = () => {
  void api.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
