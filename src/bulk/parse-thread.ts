/**
 * The importing thread's side of the parse worker: the file's batches as an async iterable. The worker
 * parses ahead while the database writes (parsing is slower than COPY, so it gets its own core), and
 * is stopped when the loop ends early (an error or a shutdown).
 */
import { Worker } from 'node:worker_threads';
import type { ParsedBatch, ParseOptions } from './batches.js';

export interface WorkerData {
  path: string;
  options: ParseOptions;
  /** Batches the worker may have posted and not yet had acknowledged. */
  window: number;
}

export type WorkerMessage =
  | { type: 'batch'; batch: ParsedBatch }
  | { type: 'end' }
  | { type: 'error'; name: string; message: string };

/** The compiled worker beside this file; from sources (tests, scripts), through tsx's loader. */
function startWorker(data: WorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', here), { workerData: data });
  const entry = JSON.stringify(new URL('./parse-worker.ts', here).href);
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`, { eval: true, workerData: data });
}

/** `window`: batches parsed ahead of the one being written; one keeps the database busy (BENCHMARKS.md). */
export async function* parseOffThread(path: string, options: ParseOptions, window = 1): AsyncGenerator<ParsedBatch> {
  const worker = startWorker({ path, options, window });
  const inbox: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  const deliver = (message: WorkerMessage) => {
    inbox.push(message);
    wake?.();
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'error', name: error.name, message: error.message }));
  worker.on('exit', (code) => deliver({ type: 'error', name: 'Error', message: `the bulk parser stopped unexpectedly (exit ${code})` }));
  try {
    for (;;) {
      while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const message = inbox.shift()!;
      if (message.type === 'end') return;
      if (message.type === 'error') throw Object.assign(new Error(message.message), { name: message.name });
      yield message.batch;
      worker.postMessage('more');
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
