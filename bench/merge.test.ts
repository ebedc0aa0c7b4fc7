/** Smoke run of the merge workload at a tiny size: it merges what it claims, with one flush. */
import { describe, expect, it } from 'vitest';
import { mergeBench, mergeReport } from './merge';

describe('merge workload', () => {
  it('merges 100 + 100 changes (10 on both sides) of a 2,000-record store in one durable commit', () => {
    const r = mergeBench({ records: 2000, changes: 100, shared: 10, runs: 2 });
    expect(r.runsMs).toHaveLength(2);
    expect(r.written).toBe(100);
    expect(r.fsyncs).toBe(1);
    expect(r.nodeVisits).toBeGreaterThan(0);
    expect(mergeReport([r])).toContain('| merge 100 + 100 changes (10 on both sides) | 2,000 |');
  });
});
