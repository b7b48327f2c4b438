/**
 * The importing thread's side of the parse worker: the file's batches as an async iterable. The worker
 * parses ahead while the database writes (parsing is slower than COPY, so it gets its own core), and
 * is stopped when the loop ends early (an error or a shutdown).
 */
import { Worker } from 'node:worker_threads';
import { BulkFileError } from '../errors.js';
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
  | { type: 'error'; name: string; message: string; code?: string };

/** The compiled worker beside this file; from sources (tests, scripts), through tsx's loader. */
function startWorker(data: WorkerData): Worker {
  const here = import.meta.url;
  // A worker's heap holds a batch or two; left unbounded, V8 lets it grow long before collecting,
  // and two workers' heaps would take the import past its memory ceiling. An 8 MB young generation
  // (16 before) costs no measurable CPU, and 25–30 MB of the import's peak RSS.
  const resourceLimits = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 };
  if (!here.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', here), { workerData: data, resourceLimits });
  const entry = JSON.stringify(new URL('./parse-worker.ts', here).href);
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`, { eval: true, workerData: data, resourceLimits });
}

/**
 * A batch's bytes (in a buffer shared with the worker that wrote them) are the loop's until it asks
 * for the next batch: then the worker may write over them.
 *
 * `workers` parse the file's entries between them (shares of about equal work: `shareOf`), each at most
 * `window` batches ahead of what this thread has taken from it: parsing the file's wide rows costs
 * more than the database's COPY, so two workers keep it busy (BENCHMARKS.md). Batches arrive in
 * whatever order the workers finish them; each names its entry and kind, and none depends on
 * another's order.
 */
export async function* parseOffThread(path: string, options: ParseOptions, workers = 2, window = 1): AsyncGenerator<ParsedBatch> {
  const started = Array.from({ length: Math.max(1, workers) }, (_, shard, all = Math.max(1, workers)) =>
    startWorker({ path, options: { ...options, shard, shards: all }, window }),
  );
  const inbox: Array<{ from: number; message: WorkerMessage }> = [];
  let wake: (() => void) | null = null;
  const deliver = (from: number, message: WorkerMessage) => {
    inbox.push({ from, message });
    wake?.();
  };
  started.forEach((worker, i) => {
    worker.on('message', (m: WorkerMessage) => deliver(i, m));
    worker.on('error', (error) => deliver(i, { type: 'error', name: error.name, message: error.message }));
    worker.on('exit', (code) => deliver(i, { type: 'error', name: 'Error', message: `the bulk parser stopped unexpectedly (exit ${code})` }));
  });
  // Each worker counts the bytes of its own entries; progress is their sum.
  const bytes = started.map(() => 0);
  let running = started.length;
  try {
    while (running > 0) {
      while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const { from, message } = inbox.shift()!;
      if (message.type === 'end') {
        running -= 1;
        started[from]!.removeAllListeners();
        continue;
      }
      if (message.type === 'error') {
        // The worker's error, rebuilt on this side of the thread boundary with its name and code.
        throw message.code === 'BULK_FILE_INVALID' ? new BulkFileError(message.message) : Object.assign(new Error(message.message), { name: message.name });
      }
      bytes[from] = message.batch.bytesRead;
      yield { ...message.batch, bytesRead: bytes.reduce((a, b) => a + b, 0) };
      // The loop asked for the next batch: this one is stored, and its (shared) buffer may be written over.
      started[from]!.postMessage(null);
    }
  } finally {
    for (const worker of started) worker.removeAllListeners();
    await Promise.all(started.map((worker) => worker.terminate()));
  }
}
