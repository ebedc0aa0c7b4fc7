import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReadOnlyError, Store, VersionNotFoundError } from '../index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-reset-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(dir, `r${++n}.th`);
const k = (i: number): Buffer => Buffer.from(`k${String(i).padStart(3, '0')}`);

function contents(s: Store): Map<string, string> {
  return new Map([...s.scan()].map((e) => [e.key.toString(), e.value.toString()]));
}

type Step = { op: 'commit'; puts: [number, string][]; dels: number[] } | { op: 'undo' };

describe('resetBranch', () => {
  it('undo = reset to the parent, against a model of versioned Maps; every version stays in the lineage', () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        op: fc.constant('commit' as const),
        puts: fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.string({ maxLength: 6 })), { maxLength: 8 }),
        dels: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 3 }),
      }),
      fc.constant({ op: 'undo' as const }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const file = fresh();
        const s = Store.create(file, { durable: false, nodeSize: 512, fanout: 4, bufferSize: 512 });
        // The model: each version's contents, and the branch head.
        const model = new Map<number, Map<string, string>>([[1, new Map()]]);
        let head = 1;
        let created = 1;
        for (const st of steps) {
          if (st.op === 'commit') {
            const next = new Map(model.get(head));
            const info = s.write((tx) => {
              for (const [i, v] of st.puts) {
                tx.put(k(i), Buffer.from(v));
                next.set(k(i).toString(), v);
              }
              for (const i of st.dels) {
                tx.delete(k(i));
                next.delete(k(i).toString());
              }
            });
            void info;
            head = s.head().id;
            created++;
            model.set(head, next);
          } else {
            const parent = s.head().parents[0];
            if (parent === undefined) {
              expect(head).toBe(1);
              continue;
            }
            const moved = s.resetBranch('main', parent);
            expect(moved).toEqual({ name: 'main', head: parent });
            head = parent;
          }
          expect(s.head().id).toBe(head);
          expect(contents(s)).toEqual(model.get(head));
          expect(s.versions().length).toBe(created);
        }
        expect(s.verify().ok).toBe(true);
        s.close();
        // The move is durable: a reopen finds the same head and every version.
        const again = Store.open(file, { readOnly: true });
        expect(again.head().id).toBe(head);
        expect(contents(again)).toEqual(model.get(head));
        for (const [id, m] of model) expect(new Map([...again.at(id).scan()].map((e) => [e.key.toString(), e.value.toString()]))).toEqual(m);
        expect(again.verify().ok).toBe(true);
        again.close();
        fs.rmSync(file, { force: true });
      }),
      { numRuns: 40 },
    );
  });

  it('a commit after an undo descends from the version the head was moved to', () => {
    const s = Store.create(fresh(), { durable: false });
    s.put(k(1), Buffer.from('a'), { message: 'one' });
    const two = s.put(k(1), Buffer.from('b'), { message: 'two' }).version;
    s.resetBranch('main', s.head().parents[0]!);
    const three = s.put(k(2), Buffer.from('c'), { message: 'three' }).version;
    expect(three).toBeGreaterThan(two);
    expect(s.head().parents).toEqual([two - 1]);
    expect(s.get(k(1))?.toString()).toBe('a');
    expect(s.at(two).get(k(1))?.toString()).toBe('b');
    // And forward again: the abandoned version is still a valid target.
    s.resetBranch('main', two);
    expect(s.get(k(2))).toBeUndefined();
    expect(s.verify().ok).toBe(true);
    s.close();
  });

  it('is O(1) in the size of the tree: one catalog block written, no node visited', () => {
    for (const n of [100, 20_000]) {
      const s = Store.create(fresh(), { durable: false });
      s.write((tx) => {
        for (let i = 0; i < n; i++) tx.put(Buffer.from(`key${String(i).padStart(6, '0')}`), Buffer.from(`v${i}`));
      });
      s.put(k(1), Buffer.from('last'));
      const parent = s.head().parents[0]!;
      const before = { ...s.io };
      s.resetBranch('main', parent);
      expect(s.io.blocksWritten - before.blocksWritten).toBe(1);
      expect(s.io.nodeVisits - before.nodeVisits).toBe(0);
      s.close();
    }
  });

  it('refuses unknown branches and versions, and read-only stores', () => {
    const file = fresh();
    const s = Store.create(file, { durable: false });
    expect(() => s.resetBranch('nope', 1)).toThrow(VersionNotFoundError);
    expect(() => s.resetBranch('main', 99)).toThrow(VersionNotFoundError);
    s.close();
    const r = Store.open(file, { readOnly: true });
    expect(() => r.resetBranch('main', 1)).toThrow(ReadOnlyError);
    r.close();
  });

  it('readers see a head move on refresh', () => {
    const file = fresh();
    const w = Store.create(file, { durable: false });
    w.put(k(1), Buffer.from('a'));
    w.put(k(1), Buffer.from('b'));
    const r = Store.open(file, { readOnly: true });
    expect(r.get(k(1))?.toString()).toBe('b');
    w.resetBranch('main', w.head().parents[0]!);
    expect(r.refresh()).toBe(true);
    expect(r.get(k(1))?.toString()).toBe('a');
    r.close();
    w.close();
  });
});
