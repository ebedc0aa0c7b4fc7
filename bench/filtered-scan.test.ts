/** Smoke run of the filtered-scan workload at a tiny size: Thunderhead and SQLite agree on the matches. */
import { describe, expect, it } from 'vitest';
import { filteredScanBench, filteredScanReport } from './filtered-scan';

describe('filtered-scan workload', () => {
  it('finds the same pending orders as SQLite json_extract, and reports the ratio', async () => {
    const r = await filteredScanBench({ records: 2000, runs: 1 });
    expect(r.matches).toBeGreaterThan(300);
    expect(r.matches).toBeLessThan(500);
    expect(typeof r.sqlite === 'string' ? r.sqlite : r.sqlite.matches).toBe(r.matches);
    expect(r.ratio).toBeGreaterThan(0);
    expect(filteredScanReport(r)).toContain('filtered / unfiltered ratio');
  });
});
