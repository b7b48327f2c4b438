/**
 * `npm run demo`: see epc-sync work without a token. Starts the project's fake EPB API on loopback with
 * three weeks of realistic data (busy days included, whose pages overlap), backfills it into an embedded
 * database in ./data/demo with the real CLI, then prints `status`.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addDays, dayIn } from '../src/days.js';
import { FAKE_TOKEN, generateDay, startFakeApi } from '../test/fake-api/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = fileURLToPath(new URL('../data/demo', import.meta.url));
const yesterday = addDays(dayIn(new Date(), 'Europe/London'), -1);
const from = addDays(yesterday, -20);

const api = await startFakeApi({ rateLimit: false, seed: 2026 });
let total = 0;
for (let i = 0; i <= 20; i += 1) {
  const day = addDays(from, i);
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  const count = weekday === 0 ? 0 : weekday === 6 ? 400 : i % 7 === 3 ? 6_500 : 1_500 + i * 40;
  api.store.addCertificates(generateDay(day, count, { seed: i }));
  total += count;
}
process.stdout.write(`fake EPB API at ${api.url} serving ${total} certificates from ${from} to ${yesterday}\n`);
rmSync(dataDir, { recursive: true, force: true });

const env = {
  ...process.env,
  EPC_API_TOKEN: FAKE_TOKEN,
  EPC_API_BASE_URL: api.url,
  EPC_DATA_DIR: dataDir,
  DATABASE_URL: '',
  EPC_REQUESTS_PER_SECOND: '15',
  LOG_LEVEL: 'info',
};

const run = (args: string[], pretty: boolean) =>
  new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['bin/epc-sync.js', ...args], { cwd: root, env, stdio: ['ignore', 'inherit', pretty ? 'pipe' : 'inherit'] });
    if (pretty) {
      const prettier = spawn(process.execPath, ['node_modules/pino-pretty/bin.js', '--ignore', 'pid,hostname,service', '--translateTime', 'SYS:HH:MM:ss'], { cwd: root, stdio: ['pipe', 'inherit', 'inherit'] });
      child.stderr!.pipe(prettier.stdin);
    }
    child.on('exit', (code) => resolve(code ?? 1));
  });

process.stdout.write(`\n$ epc-sync backfill --from ${from} --to ${yesterday}\n`);
const code = await run(['backfill', '--from', from, '--to', yesterday], true);
process.stdout.write(`(exit ${code})\n\n$ epc-sync status\n`);
await run(['status'], false);
process.stdout.write(`\nInspect it yourself: EPC_DATA_DIR=${dataDir} npx epc-sync sql "SELECT * FROM sync_lag"\n`);
await api.close();
process.exit(code);
