/**
 * Test support only: a store as a killed writer leaves it (ten commits after its only
 * checkpoint), with one bit flipped inside the third commit's leaf so that seven intact commits
 * follow the damage (FORMAT.md §11.1). Shared by the CLI, service and e2e tests of damage.
 */
import * as fs from 'node:fs';
import { Store } from '../index';

/** Where the damage is, and the bytes written. */
export interface DamagedStore {
  /** File offset of the damaged block (what `Store.damage.offset` must report). */
  readonly offset: number;
  /** The damaged file's bytes, to check that nothing rewrote it. */
  readonly bytes: Buffer;
}

/**
 * Writes the damaged store at `path`, building it at `livePath` first (removed again). O(10 commits).
 */
export function writeDamagedStore(livePath: string, path: string): DamagedStore {
  const writer = Store.create(livePath);
  const roots: { offset: number; length: number }[] = [];
  for (let i = 0; i < 10; i++) {
    writer.put(Buffer.from(`key-${i}`), Buffer.from(`value-${i}`));
    roots.push(writer.head().root);
  }
  // Copied while the writer is open: the commits after the checkpoint are not yet checkpointed.
  const bytes = fs.readFileSync(livePath);
  writer.close();
  fs.rmSync(livePath, { force: true });
  fs.rmSync(`${livePath}.lock`, { force: true });
  bytes[roots[2].offset + roots[2].length - 2] ^= 0x10;
  fs.writeFileSync(path, bytes);
  return { offset: roots[2].offset, bytes };
}
