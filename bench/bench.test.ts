/**
 * Smoke run of the whole benchmark at a tiny size: every workload, every peer, one run, strict
 * fingerprints. It checks that the harness completes and that the peers agree (runBench throws
 * PeerDisagreementError otherwise); it asserts nothing about timings.
 */
import { describe, expect, it } from 'vitest';
import { Tally } from './tally';
import { makeDataset, makeChanges, permutation } from './data';
import { median } from './harness';
import { caseTable, renderText, toMarkdown } from './report';
import { PEER_NAMES, PEERS } from './peers';
import { runBench } from './runner';
import { TARGETS } from './targets';
import { WORKLOAD_NAMES } from './workloads';

describe('bench harness', () => {
  it('runs every workload for every peer at 2000 records and the peers agree', async () => {
    const report = await runBench({ records: 2000, runs: 1, strict: true });
    expect(report.cases.map((c) => c.workload)).toEqual(expect.arrayContaining([...WORKLOAD_NAMES]));
    for (const c of report.cases) {
      for (const p of c.peers) {
        expect(p.status, `${c.id}/${p.peer}: ${p.reason ?? ''}`).not.toBe('error');
        expect(p.status, `${c.id}/${p.peer}: ${p.reason ?? ''}`).not.toBe('skipped');
        if (p.status === 'ok') expect(p.samples).toHaveLength(1);
      }
      // Thunderhead is measured in every workload.
      const th = c.peers.find((p) => p.peer === 'thunderhead')!;
      expect(th.status, `${c.id}/thunderhead: ${th.reason ?? ''}`).toBe('ok');
      expect(c.peers.filter((p) => p.status === 'ok').length).toBeGreaterThanOrEqual(2);
      expect(renderText(caseTable(c))).toContain(c.peers[0]!.peer);
    }
    expect(report.targets).toHaveLength(TARGETS.length);
    expect(toMarkdown(report)).toContain('## Targets (issues 4 and 19)');

    // Issue 19: warm random reads in the same shapes for every peer — one call per key, batches of
    // 1,000 random keys, and the whole set as a separately labelled sorted batch — each peer
    // returning the same records, with a "how measured" line naming every peer's call.
    for (const id of ['warm-reads-per-key', 'warm-reads-batch', 'warm-reads-sorted-batch']) {
      const c = report.cases.find((x) => x.id === id);
      expect(c, id).toBeDefined();
      const ok = c!.peers.filter((p) => p.status === 'ok');
      expect(ok.map((p) => p.peer)).toEqual([...PEER_NAMES]);
      expect(new Set(ok.map((p) => p.answer)).size).toBe(1);
      expect(ok[0]!.answer).toMatch(/^2000\/0\//);
      for (const peer of PEER_NAMES) expect(c!.method).toContain(`${peer} ${PEERS[peer].readCalls[id === 'warm-reads-per-key' ? 'each' : id === 'warm-reads-batch' ? 'batch' : 'whole']}`);
    }
    expect(report.cases.find((x) => x.id === 'warm-reads-sorted-batch')!.title).toContain('sorted batch');
    expect(report.cases.find((x) => x.id === 'warm-reads-batch')!.title).toContain('batches of 1000');
    expect(report.targets.filter((t) => t.issue === 19).map((t) => t.label)).toContain('warm random reads, per key, vs lmdb getBinaryFast');
  });

  it('generates the same data for the same seed and a prefix for a smaller size', () => {
    const a = makeDataset(50);
    const b = makeDataset(100);
    expect(a.keys.every((k, i) => k.equals(b.keys[i]!) && a.values[i]!.equals(b.values[i]!))).toBe(true);
    expect(new Set(b.keys.map((k) => k.toString('hex'))).size).toBe(100);
    expect([...permutation(10, 1)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const changes = makeChanges(b, 100, 7);
    expect(changes.putKeys.length + changes.deleteKeys.length).toBe(100);
  });

  it('fingerprints order and content, and takes medians', () => {
    const t1 = new Tally();
    const t2 = new Tally();
    const k = Buffer.from('0123456789abcdef01234567');
    const v = Buffer.alloc(150, 1);
    t1.add(k, v);
    t1.miss();
    t2.miss();
    t2.add(k, v);
    expect(t1.digest()).not.toBe(t2.digest());
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
