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
/**
 * The shared buffer of each batch posted and not yet acknowledged, oldest first (null for a batch whose
 * bytes were copied out: `ByteSink.take` with ranges). The importing thread stores a worker's batches
 * in the order they were posted, so each acknowledgement frees the oldest, to be written over.
 */
const posted: Array<SharedArrayBuffer | null> = [];
port.on('message', () => {
  const done = posted.shift();
  if (done) spareBuffers.push(done);
  credits += 1;
  wake?.();
});
const post = (message: WorkerMessage) => port.postMessage(message);

try {
  for await (const batch of parseBulkFile(path, options)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits -= 1;
    // Shared, not copied or transferred: the importing thread reads the bytes where they were written.
    const buffer = batch.copy.buffer;
    posted.push(buffer instanceof SharedArrayBuffer ? buffer : null);
    post({ type: 'batch', batch });
  }
  post({ type: 'end' });
} catch (error) {
  const e = error as Error & { code?: string };
  post({ type: 'error', name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) });
}
