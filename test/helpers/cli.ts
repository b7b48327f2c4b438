/** Runs the built CLI (`bin/epc-sync.js`, compiled by `npm test`'s pretest) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/epc-sync.js', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the output (stderr logs or stdout) matches, or rejects on exit/timeout. */
  waitFor(pattern: RegExp | ((text: string) => boolean), timeoutMs?: number): Promise<void>;
  done: Promise<Finished>;
}

/** Only what the CLI needs: no inherited DATABASE_URL or token can leak into a test. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', ...env };
}

export function startCli(args: string[], env: Record<string, string>, options: { command?: string[]; cwd?: string } = {}): Running {
  const [cmd, ...pre] = options.command ?? [process.execPath, BIN];
  const child = spawn(cmd!, [...pre, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const done = new Promise<Finished>((resolve) =>
    child.on('exit', (code, signal) => {
      // Let the pipes drain before reporting.
      setImmediate(() => resolve({ code, signal, stdout: out, stderr: err }));
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    done,
    waitFor(pattern, timeoutMs = 60_000) {
      const test = typeof pattern === 'function' ? pattern : (t: string) => pattern.test(t);
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (test(err + out)) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${String(pattern)}; stderr so far:\n${err.slice(-2000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void done.then(() => {
          if (!test(err + out)) {
            cleanup();
            reject(new Error(`process exited before ${String(pattern)}; stderr:\n${err.slice(-2000)}`));
          }
        });
        check();
      });
    },
  };
}

/** Runs the CLI to its end; with `timeoutMs`, a process still running then is killed (a hang fails the test, never the run). */
export async function runCli(args: string[], env: Record<string, string>, options: { command?: string[]; cwd?: string; timeoutMs?: number } = {}): Promise<Finished> {
  const running = startCli(args, env, options);
  if (options.timeoutMs === undefined) return running.done;
  const timer = setTimeout(() => running.child.kill('SIGKILL'), options.timeoutMs);
  try {
    return await running.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Lines of pino JSON output whose `msg` matches. */
export function logLines(text: string, msg: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);
}
