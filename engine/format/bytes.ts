/**
 * Growable byte writer and bounds-checked reader with LEB128 varints. Every codec in
 * format/ (and the key tuple codec in records/) goes through these two so that a truncated or garbled block can only ever
 * raise a {@link FormatError}, never read past its end.
 */

/** Raised by {@link ByteReader} when bytes run out or a field is impossible. Callers turn it into StoreCorruptError with a location. */
export class FormatError extends Error {}

/**
 * Appends into a Buffer that grows by doubling: little-endian fields for the block codecs, raw
 * bytes for the key tuple codec. Amortised O(1) per byte.
 *
 * `buf` and `pos` are open so that a hot encoder (records/tuple.ts) can call {@link ensure}
 * once and then write a run of bytes in place, without a method call per byte.
 */
export class ByteWriter {
  /** The storage; only bytes [0, pos) are written. Replaced when it grows. */
  buf: Buffer;
  /** Bytes written so far: where the next byte goes. */
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Bytes written so far. O(1). */
  get length(): number {
    return this.pos;
  }

  /** Makes room for `n` more bytes at `pos`. Amortised O(1) per byte. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Forgets what was written, keeping the storage unless it grew past `keepBytes`. O(1). */
  reset(keepBytes = Infinity): void {
    this.pos = 0;
    if (this.buf.length > keepBytes) this.buf = Buffer.allocUnsafe(256);
  }

  /** Reserves `n` zero bytes and returns their offset (for fields patched later). O(n). */
  reserve(n: number): number {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(v: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Unsigned integer up to 2^53 in 8 bytes. */
  u64(v: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(v % 0x1_0000_0000, this.pos);
    this.buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), this.pos + 4);
    this.pos += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Unsigned LEB128, up to 2^53. */
  varint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Length-prefixed bytes. */
  lenBytes(b: Uint8Array): void {
    this.varint(b.length);
    this.bytes(b);
  }

  string(s: string): void {
    this.lenBytes(Buffer.from(s, 'utf8'));
  }

  /** Patches a u32 at an earlier offset. */
  patchU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, at);
  }

  /** The written bytes (a view; copy it if the writer is reused). O(1). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** An exact-size copy of the written bytes, for a writer that is reused. O(length). */
  take(): Buffer {
    const n = this.pos;
    const out = Buffer.allocUnsafe(n);
    // Native copy has a fixed cost that dominates for typical (short) keys.
    if (n <= 64) for (let i = 0; i < n; i++) out[i] = this.buf[i];
    else this.buf.copy(out, 0, 0, n);
    return out;
  }
}

/** Reads fields from a Buffer; every read checks bounds. */
export class ByteReader {
  pos: number;
  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new FormatError(`truncated: needed ${n} byte(s) at ${this.pos}`);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    if (hi >= 0x20_0000) throw new FormatError('integer too large');
    return hi * 0x1_0000_0000 + lo;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      this.need(1);
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
    throw new FormatError('varint too long');
  }

  /** A view of the next `n` bytes (no copy). */
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  lenBytes(): Buffer {
    return this.bytes(this.varint());
  }

  /** Skips the next `n` bytes (bounds checked) and returns where they start: a view without the view object. */
  skip(n: number): number {
    this.need(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  string(): string {
    return this.lenBytes().toString('utf8');
  }
}
