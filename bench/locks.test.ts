/** Smoke run of the lock workloads at a tiny size: they complete and count what they claim. */
import { describe, expect, it } from 'vitest';
import { lockBench, lockReport } from './locks';

describe('lock workloads', () => {
  it('run every case, leave no lock behind, and report requests per second', async () => {
    const results = await lockBench({ ops: 2000, runs: 1 });
    expect(results.map((r) => r.id)).toEqual(['locks-uncontended', 'locks-uncontended-held', 'locks-8-clients']);
    for (const r of results) {
      expect(r.runsMs).toHaveLength(1);
      expect(r.perSecond).toBeGreaterThan(0);
      expect(r.deadlocks).toBe(0);
    }
    expect(results[0].waits).toBe(0);
    // 8 clients on 256 keys holding two locks across a turn do collide.
    expect(results[2].waits).toBeGreaterThan(0);
    expect(lockReport(results)).toContain('8 clients on 256 hot keys');
  });
});
