import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ByteReader, ByteWriter } from '../format/bytes';
import { compareKeys } from '../tree/keys';
import { Op, type Msg } from '../tree/node';

/** Entries per block of a spilled run: the unit of one read. */
const BLOCK_ENTRIES = 64;

interface RunBlock {
  readonly first: Buffer;
  readonly offset: number;
  readonly length: number;
}

/**
 * A private temporary file that holds a large transaction's writes as sorted runs, so its
 * memory stays bounded. The file is unlinked as soon as it is opened: it disappears with the
 * descriptor, even if the process is killed.
 */
export class SpillFile {
  private fd: number;
  private end = 0;

  constructor(dir = os.tmpdir()) {
    const p = path.join(dir, `.thunderhead-tx-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    this.fd = fs.openSync(p, 'w+');
    fs.unlinkSync(p);
  }

  /** Writes sorted point messages (unique keys) as a run. O(bytes). */
  writeRun(msgs: readonly Msg[]): SpilledRun {
    const blocks: RunBlock[] = [];
    for (let i = 0; i < msgs.length; i += BLOCK_ENTRIES) {
      const w = new ByteWriter(8192);
      const n = Math.min(BLOCK_ENTRIES, msgs.length - i);
      w.varint(n);
      for (let j = i; j < i + n; j++) {
        const m = msgs[j];
        w.u8(m.op);
        w.lenBytes(m.key);
        if (m.op === Op.Put) w.lenBytes(m.value as Buffer);
      }
      const data = w.finish();
      fs.writeSync(this.fd, data, 0, data.length, this.end);
      blocks.push({ first: msgs[i].key, offset: this.end, length: data.length });
      this.end += data.length;
    }
    return new SpilledRun(this, blocks);
  }

  /** Reads and decodes one block. */
  readBlock(b: RunBlock): Msg[] {
    const buf = Buffer.allocUnsafe(b.length);
    fs.readSync(this.fd, buf, 0, b.length, b.offset);
    const r = new ByteReader(buf);
    const n = r.varint();
    const out: Msg[] = [];
    for (let i = 0; i < n; i++) {
      const op = r.u8() as Op;
      const key = Buffer.from(r.lenBytes());
      const value = op === Op.Put ? Buffer.from(r.lenBytes()) : null;
      out.push({ op, key, end: null, value, seq: 0 });
    }
    return out;
  }

  /** Closes (and so deletes) the file. */
  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** One sorted run in a spill file, with a sparse in-memory index (first key of each block). */
export class SpilledRun {
  constructor(
    private readonly file: SpillFile,
    private readonly blocks: readonly RunBlock[],
  ) {}

  private blockFor(key: Uint8Array): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.blocks[mid].first, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The message for `key`, if the run has one. One block read. */
  get(key: Uint8Array): Msg | undefined {
    const b = this.blockFor(key);
    if (b < 0) return undefined;
    return this.file.readBlock(this.blocks[b]).find((m) => compareKeys(m.key, key) === 0);
  }

  /** Messages with lo <= key < hi in key order, one block in memory at a time. */
  *range(lo: Buffer | null, hi: Buffer | null): Generator<Msg> {
    for (let b = lo === null ? 0 : Math.max(0, this.blockFor(lo)); b < this.blocks.length; b++) {
      for (const m of this.file.readBlock(this.blocks[b])) {
        if (lo !== null && compareKeys(m.key, lo) < 0) continue;
        if (hi !== null && compareKeys(m.key, hi) >= 0) return;
        yield m;
      }
    }
  }
}
