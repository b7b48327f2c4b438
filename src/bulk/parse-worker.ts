/**
 * Worker-thread entry: parses the bulk file (`batches.ts`) and posts each batch to the importing
 * thread, never more than `window` ahead of what it has acknowledged, so memory stays bounded
 * whatever the file size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseBulkFile } from './batches.js';
import { spareBuffers } from './byte-sink.js';
import type { WorkerData, WorkerMessage } from './parse-thread.js';

const { path, options, window } = workerData as WorkerData;
const port = parentPort!;
let credits = window;
let wake: (() => void) | null = null;
/** Smaller buffers (a batch of recommendation sets, made whole by its encoder) are not worth keeping. */
const MIN_SPARE = 1 << 20;
// Each acknowledgement gives back the buffer of a batch the importing thread has stored, for reuse.
port.on('message', (spare: ArrayBuffer | null) => {
  if (spare instanceof ArrayBuffer && spare.byteLength >= MIN_SPARE) spareBuffers.push(spare);
  credits += 1;
  wake?.();
});
const post = (message: WorkerMessage) => port.postMessage(message);

try {
  for await (const batch of parseBulkFile(path, options)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits -= 1;
    // Transferred, not copied: the worker gives the batch's bytes up.
    port.postMessage({ type: 'batch', batch } satisfies WorkerMessage, [batch.copy.buffer as ArrayBuffer]);
  }
  post({ type: 'end' });
} catch (error) {
  const e = error as Error & { code?: string };
  post({ type: 'error', name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) });
}
