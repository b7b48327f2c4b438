/**
 * `npm run demo` as a new user meets it: run from a copy of the checkout with nothing beside it (only
 * node_modules linked in), no token, no settings. It must finish well within a minute, print a short
 * summary naming each step, and leave its database in ./data/demo, built fresh.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../scripts/demo.js';
import { ROOT, childEnv } from '../helpers/cli.js';

// Not the checkout's own copies: what a clean clone would not have.
const LEFT_OUT = new Set(['node_modules', '.git', 'dist', 'data', 'coverage', '.bench', 'bench-profiles']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('npm run demo', () => {
  let parent: string;
  let copy: string;
  let run: { code: number | null; stdout: string; stderr: string; ms: number };

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'epc-demo-'));
    copy = join(parent, 'epc-sync');
    cpSync(ROOT, copy, { recursive: true, filter: (src) => !LEFT_OUT.has(relative(ROOT, src).split(/[\\/]/)[0]!) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    // What an earlier demo left: it must be gone, not built upon.
    mkdirSync(join(copy, 'data', 'demo'), { recursive: true });
    writeFileSync(join(copy, 'data', 'demo', '.epc-sync-demo'), '');
    writeFileSync(join(copy, 'data', 'demo', 'left-by-an-earlier-demo'), '');

    const started = Date.now();
    run = await new Promise((resolve) => {
      // As package.json's "demo" script runs it (after its build, which the demo itself does not need).
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: copy, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const kill = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (code) => {
        clearTimeout(kill);
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });
  }, 120_000);
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('finishes in under a minute with a short summary of every step, from a copy with nothing beside it', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(60_000);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(60);
    expect(run.stdout).not.toMatch(/^\{"level"/m);

    expect(run.stdout).toMatch(/Seed the empty mirror from the monthly bulk file[\s\S]*imported [\d,]+ certificates and [\d,]+ recommendations/);
    expect(run.stdout).toMatch(/busy day \d{4}-\d\d-\d\d: 1,300 certificates/);
    const exact = /(\d+) requests \((.+)\), then stored 1,300 = API total 1,300: exact/.exec(run.stdout);
    expect(exact?.[2]).toMatch(/address/);
    expect(run.stdout).toMatch(/\d+ documents fetched .* certificate_details view:\n {5}\d{4}-\d{4}-\d{4}-\d{4}-\d{4} /);
    expect(run.stdout).toMatch(/epc-sync status \(domestic\)\n\s+OK: up to date to \d{4}-\d\d-\d\d, 0 days missing/);
    expect(run.stdout).toMatch(/Try next:\n\s+EPC_DATA_DIR=\.\/data\/demo npx epc-sync status/);
  });

  it('builds its database afresh in ./data/demo of the directory it runs from', () => {
    const dir = join(copy, 'data', 'demo');
    expect(existsSync(join(dir, 'left-by-an-earlier-demo'))).toBe(false);
    expect(existsSync(join(dir, '.epc-sync-demo'))).toBe(true);
    expect(statSync(join(dir, 'PG_VERSION')).isFile()).toBe(true);
    // Closed cleanly: no lock left for the next command to trip over.
    expect(existsSync(join(dir, 'epc-sync.lock'))).toBe(false);
  });

  it('reads nothing beside the checkout: no source, test or script names a sibling folder', () => {
    const sibling = ['..', 'shared'].join('/');
    const offenders = ['src', 'test', 'scripts']
      .flatMap((d) => filesUnder(join(ROOT, d)))
      .filter((f) => readFileSync(f, 'utf8').includes(sibling))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('refuses to wipe a directory it did not make', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epc-not-demo-'));
    try {
      writeFileSync(join(dir, 'precious'), 'data');
      await expect(runDemo({ dataDir: dir, write: () => {} })).rejects.toThrow(/holds files the demo did not make/);
      expect(readFileSync(join(dir, 'precious'), 'utf8')).toBe('data');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
