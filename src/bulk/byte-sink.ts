/**
 * A batch's COPY text as it is written: bytes appended to one growing buffer, handed to the importing
 * thread whole (transferred, not copied). The byte parser copies a field's bytes straight from the
 * file's buffer into it, escaping as COPY's text format asks (`db/copy-text.ts`).
 */
const encoder = new TextEncoder();
const BACKSLASH = 0x5c;

export class ByteSink {
  private buf = new Uint8Array(1 << 20);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const bigger = new Uint8Array(size);
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

  /**
   * Bytes `s`..`e` of `b` as a COPY text value: a backslash, tab, newline or carriage return escaped.
   * False, with nothing written, when the bytes hold a NUL or a non-ASCII byte: the caller then reads
   * the value as a string (which decodes, and rejects a NUL) and writes that.
   */
  copyText(b: Uint8Array, s: number, e: number): boolean {
    this.reserve(2 * (e - s));
    const out = this.buf;
    let n = this.length;
    for (let i = s; i < e; i += 1) {
      const c = b[i]!;
      if (c > 0x5c) {
        if (c >= 0x80) return false;
        out[n++] = c;
      } else if (c === BACKSLASH) {
        out[n++] = BACKSLASH;
        out[n++] = BACKSLASH;
      } else if (c > 0x0d) out[n++] = c;
      else if (c === 0x09 || c === 0x0a || c === 0x0d) {
        out[n++] = BACKSLASH;
        out[n++] = c === 0x09 ? 0x74 : c === 0x0a ? 0x6e : 0x72;
      } else if (c === 0) return false;
      else out[n++] = c;
    }
    this.length = n;
    return true;
  }

  /** A non-negative whole number in decimal. */
  int(value: number): void {
    this.reserve(11);
    const out = this.buf;
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits += 1;
    let n = this.length + digits;
    this.length = n;
    let v = value;
    do {
      out[--n] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  /** `\N`, COPY's NULL. */
  null(): void {
    this.reserve(2);
    this.buf[this.length++] = BACKSLASH;
    this.buf[this.length++] = 0x4e;
  }

  /** A string as UTF-8 (already COPY text: escaped by the caller). */
  text(value: string): void {
    this.reserve(value.length * 3);
    this.length += encoder.encodeInto(value, this.buf.subarray(this.length)).written;
  }

  /** Bytes written since `from` are dropped (a record the byte path gave up on). */
  truncate(from: number): void {
    this.length = from;
  }

  /** What was written, leaving the sink empty; the returned bytes are the caller's. */
  take(keep?: ReadonlyArray<readonly [number, number]>): Uint8Array {
    const written = this.buf.subarray(0, this.length);
    this.buf = new Uint8Array(this.buf.length);
    this.length = 0;
    if (!keep) return written;
    // Only the given ranges (a batch whose repeated records replaced earlier ones).
    const out = new Uint8Array(keep.reduce((n, [s, e]) => n + e - s, 0));
    let at = 0;
    for (const [s, e] of keep) {
      out.set(written.subarray(s, e), at);
      at += e - s;
    }
    return out;
  }
}
