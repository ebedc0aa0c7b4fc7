import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCK_KIND_NAMES, BlockKind, blockKindName } from './address';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every TypeScript source below `dir` (tests too), as paths relative to the repo. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => relative(ROOT, join(ROOT, dir, f)));
}

describe('block kind names', () => {
  it('names every kind once, and a number that is no kind as kind-N', () => {
    const kinds = [BlockKind.Leaf, BlockKind.Internal, BlockKind.Delta, BlockKind.BlobChunk, BlockKind.BlobIndex, BlockKind.Catalog, BlockKind.Snapshots];
    expect(kinds.map(blockKindName)).toEqual(['leaf', 'internal', 'delta', 'blob-chunk', 'blob-index', 'catalog', 'snapshots']);
    expect(Object.keys(BLOCK_KIND_NAMES)).toHaveLength(kinds.length);
    expect([0, 8, 255].map(blockKindName)).toEqual(['kind-0', 'kind-8', 'kind-255']);
  });

  it('are written in one table: no other source spells the kinds that only blocks have', () => {
    // 'leaf', 'internal' and 'delta' are also the contract's node kinds, and 'catalog' and
    // 'snapshots' are words of their own (a compaction phase, a CLI command); the blob kinds'
    // names exist only as block kinds, so a second table would spell them again.
    const spelled = ['engine', 'app', 'renderer/src', 'main', 'bench'].flatMap(sources).filter((file) => {
      if (file === 'engine/format/address.test.ts') return false; // this file names them to check them
      const text = readFileSync(join(ROOT, file), 'utf8');
      return ["'blob-chunk'", "'blob-index'"].some((name) => text.includes(name));
    });
    expect(spelled).toEqual(['engine/format/address.ts']);
  });
});
