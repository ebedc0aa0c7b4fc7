/** Smoke run of the snapshot-commit workloads at a tiny size: they count what they claim. */
import { describe, expect, it } from 'vitest';
import { snapshotCommitBench, snapshotCommitReport } from './snapshot-commits';

describe('snapshot-commit workloads', () => {
  it('alternate plain and named commits with one flush each, and a standalone snapshot writes one block', async () => {
    const r = await snapshotCommitBench({ records: 500, commits: 20, snapshots: 6, peers: false });
    expect(r.plain.count).toBe(10);
    expect(r.named.count).toBe(10);
    expect(r.fsyncsPerPlain).toBe(1);
    expect(r.fsyncsPerNamed).toBe(1);
    expect(r.standalone.count).toBe(6);
    expect(r.standaloneBlocks).toBe(1);
    expect(r.namedRatio).toBeGreaterThan(0);
    expect(snapshotCommitReport(r)).toContain('snapshot-per-commit / plain-commit ratio');
  });
});
