import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-diff-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const key = (k: number): Buffer => Buffer.from(`k${String(k).padStart(6, '0')}`);

type Model = Map<string, string>;

function modelDiff(a: Model, b: Model): string[] {
  const out: string[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const k of keys) {
    if (!b.has(k)) out.push(`-${k}`);
    else if (!a.has(k)) out.push(`+${k}=${b.get(k)}`);
    else if (a.get(k) !== b.get(k)) out.push(`~${k}=${a.get(k)}>${b.get(k)}`);
  }
  return out;
}

function storeDiff(s: Store, a: number, b: number): string[] {
  return [...s.diff(a, b)].map((c) => {
    const k = c.key.toString('latin1');
    if (c.type === 'removed') return `-${k}`;
    if (c.type === 'added') return `+${k}=${c.after?.toString('latin1')}`;
    return `~${k}=${c.before?.toString('latin1')}>${c.after?.toString('latin1')}`;
  });
}

type Step = { t: 'put'; k: number; v: number; big: boolean } | { t: 'del'; k: number } | { t: 'rdel'; a: number; b: number } | { t: 'commit' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('put' as const), k: fc.nat(300), v: fc.nat(99), big: fc.constantFrom(false, false, false, false, false, false, false, false, false, true) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('del' as const), k: fc.nat(300) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rdel' as const), a: fc.nat(300), b: fc.nat(300) }) },
  { weight: 3, arbitrary: fc.constant({ t: 'commit' as const }) },
);

describe('diff between versions', () => {
  it('equals the model diff for every pair of versions (tiny nodes, buffers differing over shared children)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 400 }), (steps) => {
        const file = path.join(dir, `d${Math.random().toString(36).slice(2)}.th`);
        const s = Store.create(file, { nodeSize: 256, fanout: 4, bufferSize: 300, blobThreshold: 64, durable: false });
        try {
          const models = new Map<number, Model>([[1, new Map()]]);
          let cur: Model = new Map();
          let tx = s.begin();
          const commit = (): void => {
            const info = tx.commit();
            models.set(info.version, new Map(cur));
            tx = s.begin();
          };
          for (const st of steps) {
            if (st.t === 'put') {
              const v = st.big ? `B${st.v}`.repeat(40) : `v${st.v}`;
              tx.put(key(st.k), Buffer.from(v));
              cur.set(key(st.k).toString('latin1'), v);
            } else if (st.t === 'del') {
              tx.delete(key(st.k));
              cur.delete(key(st.k).toString('latin1'));
            } else if (st.t === 'rdel') {
              const [a, b] = st.a <= st.b ? [st.a, st.b] : [st.b, st.a];
              tx.deleteRange(key(a), key(b));
              for (const k of [...cur.keys()]) if (k >= key(a).toString('latin1') && k < key(b).toString('latin1')) cur.delete(k);
            } else commit();
          }
          commit();
          cur = new Map(cur);
          const ids = [...models.keys()];
          for (let i = 0; i < ids.length; i++) {
            for (const j of [0, i - 1, ids.length - 1]) {
              if (j < 0 || j >= ids.length) continue;
              const a = ids[j];
              const b = ids[i];
              expect(storeDiff(s, a, b)).toEqual(modelDiff(models.get(a) as Model, models.get(b) as Model));
            }
          }
        } finally {
          s.close();
          fs.rmSync(file, { force: true });
        }
      }),
      { numRuns: 40, seed: 42 },
    );
  });

  it('costs O(changes · height) node reads: the same 50 changes read about as many nodes at 2k and at 40k records', () => {
    const visitsFor = (n: number): { visits: number; changes: number; skipped: number } => {
      const file = path.join(dir, `c${n}.th`);
      const s = Store.create(file, { durable: false });
      s.write((tx) => {
        for (let i = 0; i < n; i++) tx.put(key(i * 10), Buffer.alloc(100, i % 251));
      });
      const a = s.head().id;
      for (let c = 0; c < 50; c++) s.put(key(Math.floor((c * n) / 50) * 10 + 5), Buffer.from(`changed${c}`));
      const b = s.head().id;
      s.close();
      const r = Store.open(file, { readOnly: true });
      const before = r.io.nodeVisits;
      const changes = [...r.diff(a, b)].length;
      const visits = r.io.nodeVisits - before;
      const skipped = r.lastDiff.subtreesSkipped;
      r.close();
      return { visits, changes, skipped };
    };
    const small = visitsFor(2_000);
    const large = visitsFor(40_000);
    expect(small.changes).toBe(50);
    expect(large.changes).toBe(50);
    // The large store has 20× the records; the diff must not read 20× the nodes.
    expect(large.visits).toBeLessThan(small.visits * 4 + 50);
    expect(large.skipped).toBeGreaterThan(0);
  });

  it('structural diff marks the shared nodes and only the changed path as left/right', () => {
    const file = path.join(dir, 'structural.th');
    const s = Store.create(file, { durable: false, nodeSize: 1024, fanout: 8 });
    s.write((tx) => {
      for (let i = 0; i < 5000; i++) tx.put(key(i), Buffer.alloc(50, 1));
    });
    const a = s.head().id;
    s.write((tx) => {
      for (let i = 0; i < 3000; i++) tx.put(key(2500), Buffer.alloc(50, i % 200));
    });
    s.write((tx) => tx.put(key(10), Buffer.from('x')));
    const b = s.head().id;
    const nodes = s.structuralDiff(a, b);
    const shared = nodes.filter((n) => n.side === 'shared').length;
    const left = nodes.filter((n) => n.side === 'left').length;
    const right = nodes.filter((n) => n.side === 'right').length;
    expect(shared).toBeGreaterThan(0);
    expect(left).toBeGreaterThan(0);
    expect(right).toBeGreaterThan(0);
    expect(s.structuralDiff(a, a).every((n) => n.side === 'shared')).toBe(true);
    s.close();
  });
});
