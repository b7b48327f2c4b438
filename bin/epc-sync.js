#!/usr/bin/env node
// Thin shim so `npx epc-sync` and `npm start` run the compiled CLI (built by `npm ci` via `prepare`).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
