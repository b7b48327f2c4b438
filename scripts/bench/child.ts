/**
 * A benchmark case's process: compiled (`tsconfig.bench.json`) so that it measures the JavaScript users
 * run, not a TypeScript loader (tsx alone adds ~120 MB of RSS). Prints one JSON `Sample` line.
 */
import { runCase, type CaseSpec } from './cases.js';

process.stdout.write(`${JSON.stringify(await runCase(JSON.parse(process.argv[2]!) as CaseSpec))}\n`);
process.exit(0);
