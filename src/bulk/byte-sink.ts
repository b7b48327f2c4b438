/**
 * A batch of certificates or recommendation sets in COPY's binary format (`copy-binary.ts`) as it is
 * written: bytes appended to one growing buffer, handed to the importing thread whole (shared,
 * not copied). The byte parser copies a text field's bytes straight from the file's buffer into it;
 * binary text needs no escaping.
 */
const encoder = new TextEncoder();

/**
 * Batch buffers the importing thread has finished with (`parse-worker.ts`): a sink takes one for its
 * next batch instead of allocating, so an import cycles a handful of buffers however long the file
 * (+27 MB of peak RSS at 1M certificates without). They are SharedArrayBuffers, shared with the
 * importing thread rather than transferred to it and back: a transferred buffer is new memory to the
 * thread that receives it, and each batch's then made V8 collect the worker's whole heap several times
 * a second (~0.3 s of CPU a worker on the 250k file); a detached one slows every typed array.
 */
export const spareBuffers: SharedArrayBuffer[] = [];

/** Below this, a sink's buffer is a plain one of its own (a record's constant prefix, say). */
const SHARED_FROM = 1 << 16;

/** A buffer of at least `size` bytes: a spare, or a new one. */
function bufferOf(size: number): Uint8Array {
  if (size < SHARED_FROM) return new Uint8Array(size);
  // The smallest that fits: a sink of recommendation sets does not take one a certificates batch needs.
  let at = -1;
  spareBuffers.forEach((b, i) => {
    if (b.byteLength >= size && (at < 0 || b.byteLength < spareBuffers[at]!.byteLength)) at = i;
  });
  return new Uint8Array(at >= 0 ? spareBuffers.splice(at, 1)[0]! : new SharedArrayBuffer(size));
}

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

export class ByteSink {
  private buf: Uint8Array;
  length = 0;

  /** `size`: the bytes first allocated (a batch's buffer grows to the batch once, then is reused). */
  constructor(size = 1 << 20) {
    this.buf = bufferOf(size);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    // By half, not double: a batch's buffer ends near its size (2.1 MB: 2.25, not 4), and several are in flight.
    const size = Math.max(this.length + n, Math.ceil(this.buf.length * 1.5));
    const bigger = bufferOf(size);
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  byte(c: number): void {
    this.reserve(1);
    this.buf[this.length++] = c;
  }

  /** Bytes `s`..`e` of `b` as they are. */
  bytes(b: Uint8Array, s: number, e: number): void {
    this.reserve(e - s);
    const out = this.buf;
    let n = this.length;
    for (let i = s; i < e; i += 1) out[n++] = b[i]!;
    this.length = n;
  }

  /** Binary COPY: a big-endian int16 (a record's field count). */
  int16(value: number): void {
    this.reserve(2);
    this.buf[this.length++] = (value >> 8) & 0xff;
    this.buf[this.length++] = value & 0xff;
  }

  /** Binary COPY: a big-endian int32 (a field's length, or an integer, a day). */
  int32(value: number): void {
    this.reserve(4);
    const out = this.buf;
    const n = this.length;
    out[n] = (value >> 24) & 0xff;
    out[n + 1] = (value >> 16) & 0xff;
    out[n + 2] = (value >> 8) & 0xff;
    out[n + 3] = value & 0xff;
    this.length = n + 4;
  }

  /** Binary COPY: the int32 at `at` (written before as a placeholder: a length known only after what follows) set to `value`. */
  patchInt32(at: number, value: number): void {
    const end = this.length;
    this.length = at;
    this.int32(value);
    this.length = end;
  }

  /** Binary COPY: a big-endian int64 (a UPRN, microseconds): a whole number within ±2^53, or any BigInt. */
  int64(value: number | bigint): void {
    if (typeof value === 'bigint') {
      this.int32(Number(BigInt.asIntN(32, value >> 32n)));
      this.int32(Number(BigInt.asIntN(32, value)));
      return;
    }
    const high = Math.floor(value / 2 ** 32);
    this.int32(high);
    this.int32(value - high * 2 ** 32);
  }

  /** Binary COPY: a float32, big-endian. */
  float32(value: number): void {
    F32[0] = value;
    this.int32(I32[0]!);
  }

  /** Binary COPY: a field of `value`'s UTF-8 bytes, its length first. */
  lengthPrefixed(value: string): void {
    this.reserve(4 + value.length * 3);
    const at = this.length;
    this.length += 4;
    const written = encoder.encodeInto(value, this.buf.subarray(this.length)).written;
    this.length = at;
    this.int32(written);
    this.length += written;
  }

  /**
   * Binary COPY: bytes `s`..`e` of `b` as a text field, its length first. False, with nothing
   * written, when they hold a NUL or a non-ASCII byte: the caller reads the value as a string (which
   * decodes invalid UTF-8, and rejects a NUL) and writes that.
   */
  asciiField(b: Uint8Array, s: number, e: number): boolean {
    for (let i = s; i < e; i += 1) {
      const c = b[i]!;
      if (c === 0 || c >= 0x80) return false;
    }
    this.int32(e - s);
    this.bytes(b, s, e);
    return true;
  }

  /** Bytes written since `from` are dropped (a record the byte path gave up on). */
  truncate(from: number): void {
    this.length = from;
  }

  /**
   * What was written (or only the `keep` ranges of it: a batch whose repeated records replaced earlier
   * ones); the returned bytes are the caller's. The sink goes on in a spare buffer, or a new one.
   */
  take(keep?: ReadonlyArray<readonly [number, number]>): Uint8Array {
    const written = this.buf.subarray(0, this.length);
    this.length = 0;
    if (!keep) {
      this.buf = bufferOf(this.buf.length);
      return written;
    }
    const out = new Uint8Array(keep.reduce((n, [s, e]) => n + e - s, 0));
    let at = 0;
    for (const [s, e] of keep) {
      out.set(written.subarray(s, e), at);
      at += e - s;
    }
    return out;
  }
}
