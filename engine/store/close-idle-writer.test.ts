/**
 * A writer that appended nothing closes without writing: opening a store for writing (edit mode
 * in the inspector, a CLI command that changed nothing) leaves the file byte for byte as it was.
 * One that did append writes its final checkpoint as before, and recovery needs no roll-forward.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-close-idle-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const bytes = (file: string): Buffer => fs.readFileSync(file);

describe('closing a writer', () => {
  it('writes nothing when nothing was appended since the last checkpoint', () => {
    const file = path.join(dir, 'idle.th');
    const s = Store.create(file);
    s.put(Buffer.from('a'), Buffer.from('1'));
    s.close();
    const before = bytes(file);
    for (let i = 0; i < 3; i++) {
      const w = Store.open(file);
      w.close();
    }
    expect(bytes(file).equals(before)).toBe(true);
    const r = Store.open(file, { readOnly: true });
    expect(r.get(Buffer.from('a'))?.toString()).toBe('1');
    r.verify();
    r.close();
  });

  it('still checkpoints what it appended, so the next open finds everything', () => {
    const file = path.join(dir, 'busy.th');
    Store.create(file).close();
    const before = bytes(file);
    const w = Store.open(file);
    w.put(Buffer.from('b'), Buffer.from('2'));
    w.close();
    expect(bytes(file).equals(before)).toBe(false);
    const again = Store.open(file);
    const idle = bytes(file);
    again.close();
    expect(bytes(file).equals(idle)).toBe(true);
    const r = Store.open(file, { readOnly: true });
    expect(r.get(Buffer.from('b'))?.toString()).toBe('2');
    r.close();
  });
});
