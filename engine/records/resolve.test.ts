import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeKey, encodeValue, findDanglingRefs, Ref, refReaderAt, resolveRef, Store, type Value } from '../index';

type Rec = { readonly bytes: Buffer; readonly refs: readonly { ref: Ref; spec: RefSpec }[] };

/**
 * Property tests of reference resolution and the dangling-reference scan: random stores whose
 * values hold references (plain, through a view, pinned to a version id or a snapshot name) to
 * keys that exist and keys that do not, on two branches, against a model of versioned Maps.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-resolve-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TARGETS = 12;
const key = (i: number): Buffer => encodeKey(['t', i]);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type RefSpec = { i: number; form: 'plain' | 'view' | 'pinned' | 'snap'; pin: number };
type Op =
  | { t: 'put'; i: number; refs: RefSpec[]; branch: 0 | 1 }
  | { t: 'del'; i: number; branch: 0 | 1 }
  | { t: 'snap' }
  | { t: 'fork' };

const refSpec: fc.Arbitrary<RefSpec> = fc.record({
  i: fc.nat(TARGETS + 3), // targets ≥ TARGETS are never written
  form: fc.constantFrom('plain' as const, 'view' as const, 'pinned' as const, 'snap' as const),
  pin: fc.nat(30),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('put' as const), i: fc.nat(TARGETS - 1), refs: fc.array(refSpec, { maxLength: 3 }), branch: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('del' as const), i: fc.nat(TARGETS - 1), branch: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'snap' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'fork' as const }) },
);

function makeRef(r: RefSpec): Ref {
  switch (r.form) {
    case 'plain':
      return new Ref(['t', r.i]);
    case 'view':
      return new Ref([r.i], { view: ['t'] });
    case 'pinned':
      return new Ref(['t', r.i], { version: r.pin });
    case 'snap':
      return new Ref(['t', r.i], { version: `snap${r.pin % 6}` });
  }
}

describe('references', () => {
  it('resolve(ref) and findDanglingRefs() agree with a model of versioned Maps', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 40 }), (ops) => {
        const s = Store.create(path.join(dir, `r${run++}.th`), { durable: false, nodeSize: 512, fanout: 4, bufferSize: 512 });
        try {
          const versions = new Map<number, Map<string, Rec>>([[1, new Map()]]);
          const heads: Record<string, number> = { main: 1 };
          const snaps = new Map<string, number>();
          const refs: { ref: Ref; spec: RefSpec }[] = [];
          let forked = false;
          for (const op of ops) {
            if (op.t === 'snap') {
              const name = `snap${snaps.size}`;
              if (snaps.size < 5) {
                s.snapshot(name);
                snaps.set(name, heads.main);
              }
              continue;
            }
            if (op.t === 'fork') {
              if (!forked) {
                s.branch('dev');
                heads.dev = heads.main;
                forked = true;
              }
              continue;
            }
            const branch = op.branch === 1 && forked ? 'dev' : 'main';
            const next = new Map(versions.get(heads[branch]));
            const tx = s.begin({ branch });
            if (op.t === 'put') {
              const rs = op.refs.map((spec) => ({ ref: makeRef(spec), spec }));
              refs.push(...rs);
              const value: Value = { name: `record ${op.i}`, first: rs[0]?.ref ?? null, rest: rs.slice(1).map((r) => r.ref) };
              const bytes = encodeValue(value);
              tx.put(key(op.i), bytes);
              next.set(hex(key(op.i)), { bytes, refs: rs });
            } else {
              tx.delete(key(op.i));
              next.delete(hex(key(op.i)));
            }
            const info = tx.commit();
            versions.set(info.version, next);
            heads[branch] = info.version;
          }
          // The model's answer: views and plain refs both name the ["t", i] record.
          const pinOf = (spec: RefSpec, at: number): number =>
            spec.form === 'pinned' ? spec.pin : spec.form === 'snap' ? (snaps.get(`snap${spec.pin % 6}`) ?? -1) : at;
          const modelResolve = (spec: RefSpec, at: number): Buffer | undefined => versions.get(pinOf(spec, at))?.get(hex(key(spec.i)))?.bytes;
          const ids = [...versions.keys()];
          for (const { ref, spec } of refs) {
            for (const at of [heads.main, ids[Math.floor(ids.length / 2)], 1]) {
              const want = modelResolve(spec, at);
              const got = resolveRef(refReaderAt(s, at), ref);
              expect(got?.value, `ref ${JSON.stringify(spec)} at ${at}`).toEqual(want);
              if (got) expect(got.key).toEqual(key(spec.i));
            }
          }
          // The same answers through the function on a minimal reader.
          const reader = { get: (k: Uint8Array) => s.at(heads.main).get(k), at: (v: number | string) => s.at(v) };
          for (const { ref, spec } of refs) expect(resolveRef(reader, ref)?.value).toEqual(modelResolve(spec, heads.main));
          // The store itself is a reader of its default branch head.
          for (const { ref, spec } of refs) expect(resolveRef(s, ref)?.value).toEqual(modelResolve(spec, heads.main));

          // Dangling references: in each distinct branch head, every ref whose target is missing.
          const want: string[] = [];
          const scanned = new Set<number>();
          for (const [branch, head] of Object.entries(heads)) {
            if (scanned.has(head)) continue;
            scanned.add(head);
            const m = versions.get(head) as Map<string, Rec>;
            for (const [k, rec] of [...m.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
              for (const { spec } of rec.refs) {
                if (modelResolve(spec, head) !== undefined) continue;
                const missingVersion = !versions.has(pinOf(spec, head));
                want.push(`${branch} ${k} ${hex(key(spec.i))} ${missingVersion ? 'missing-version' : 'missing-key'}`);
              }
            }
          }
          let progressCalls = 0;
          const got = findDanglingRefs(s, { onProgress: () => progressCalls++ }).map((d) => `${d.branch} ${hex(d.key)} ${hex(d.ref.absoluteKey())} ${d.reason}`);
          expect(got).toEqual(want);
          expect(progressCalls).toBeGreaterThan(0);
          if (want.length > 1) expect(findDanglingRefs(s, { limit: 1 }).length).toBe(1);
        } finally {
          s.close();
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
