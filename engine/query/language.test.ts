/**
 * The query language against a brute-force evaluator: random query trees are printed to text,
 * parsed, and evaluated on random documents; the answer must equal a direct evaluation of the
 * tree written here from the rules in docs/QUERIES.md (not from evaluate.ts). Plus the error
 * columns a person sees.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, type Value } from '../records/value';
import type { Literal, Path, Query } from './ast';
import { formatQuery } from './format';
import { matches, matchesChange } from './evaluate';
import { parseQuery } from './parse';
import { QuerySyntaxError } from './errors';
import { oracle } from './brute-force';

const NAMES = ['status', 'n', 'a', 'b', 'odd name', 'and', 'é', 'x-y'];
const nameArb = fc.constantFrom(...NAMES);
const pathArb: fc.Arbitrary<Path> = fc.tuple(nameArb, fc.array(fc.oneof(nameArb, fc.nat(2)), { maxLength: 2 })).map(([h, t]) => [h, ...t]);
const literalArb: fc.Arbitrary<Literal> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, 1, 2, -1, 1.5, -0.5, 2 ** 53, 2 ** 60, 1e21, 0n, 1n, 2n, 2n ** 53n + 1n, 2n ** 60n + 1n, 2n ** 70n, -(2n ** 70n)),
  fc.constantFrom('', 'a', 'ab', 'b', 'pending', 'q"\n\\\'', 'é', 'A'),
  fc.integer({ min: -3, max: 3 }),
);
const textArb = fc.constantFrom('', 'a', 'b', 'pe', 'nd', 'é', '"');
const opArb = fc.constantFrom('=', '!=', '<', '<=', '>', '>=' as const);

const { query: queryArb } = fc.letrec<{ query: Query }>((tie) => ({
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('compare' as const), op: opArb, path: pathArb, value: literalArb }),
    fc.record({ kind: fc.constant('in' as const), path: pathArb, values: fc.array(literalArb, { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('exists' as const), path: pathArb }),
    fc.record({ kind: fc.constant('startsWith' as const), path: pathArb, text: textArb }),
    fc.record({ kind: fc.constant('contains' as const), path: pathArb, text: textArb }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), terms: fc.array(tie('query'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), term: tie('query') }),
  ),
}));

/** Documents over the same names, holding every kind of value a record can. */
const scalarArb: fc.Arbitrary<Value> = fc.oneof(
  literalArb as fc.Arbitrary<Value>,
  fc.constantFrom('pending', 'apple', 'banana', 'ab'),
  fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 53 + 2),
  fc.constantFrom(Buffer.from('ab'), new Date(5)),
);
const { doc: docArb } = fc.letrec<{ doc: Value }>((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('doc'), { maxLength: 3 }),
    fc.dictionary(nameArb, tie('doc'), { maxKeys: 4 }),
  ),
}));

/** `a and (b and c)` is `a and b and c`: the shape the parser returns. */
function normal(q: Query): Query {
  if (q.kind === 'and' || q.kind === 'or') {
    const terms = q.terms.map(normal).flatMap((t) => (t.kind === q.kind ? t.terms : [t]));
    return terms.length === 1 ? terms[0] : { kind: q.kind, terms };
  }
  if (q.kind === 'not') return { kind: 'not', term: normal(q.term) };
  return q;
}

const stored = (v: Value): unknown => decodeValue(encodeValue(v));

describe('query language', () => {
  it('parse(format(q)) evaluates like a brute-force evaluator of q on random documents (fast-check, fixed seed)', () => {
    let hits = 0;
    let total = 0;
    fc.assert(
      fc.property(queryArb, fc.array(docArb, { minLength: 1, maxLength: 8 }), (q, docs) => {
        const text = formatQuery(q);
        const parsed = parseQuery(text);
        expect(parsed).toEqual(normal(q));
        for (const d of docs) {
          const doc = stored(d);
          const want = oracle(q, doc);
          expect(matches(parsed, doc), `${text} on ${JSON.stringify(doc, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`).toBe(want);
          total++;
          if (want) hits++;
        }
      }),
      { numRuns: 1500, seed: 1807 },
    );
    // The generators must produce both answers often, or the comparison proves little.
    expect(hits / total).toBeGreaterThan(0.15);
    expect(hits / total).toBeLessThan(0.85);
  });

  it('orders numbers and bigints exactly, every operator over a grid of edge values', () => {
    const values: (number | bigint)[] = [0, -0, 1, -1, 0.5, 1.5, -1.5, 2 ** 53, 2 ** 53 + 2, 2 ** 60, -(2 ** 60), 1e21, NaN, Infinity, -Infinity,
      0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 60n - 1n, 2n ** 60n, 2n ** 60n + 1n, -(2n ** 60n) - 1n, 10n ** 21n, 10n ** 21n + 1n, 2n ** 200n];
    const literals = values.filter((v) => typeof v === 'bigint' || Number.isFinite(v)) as (number | bigint)[];
    for (const v of values) {
      for (const lit of literals) {
        for (const op of ['=', '!=', '<', '<=', '>', '>='] as const) {
          const q: Query = { kind: 'compare', op, path: ['n'], value: lit };
          const doc = stored({ n: v });
          expect(matches(parseQuery(formatQuery(q)), doc), `${String(v)} ${op} ${String(lit)}`).toBe(oracle(q, doc));
        }
      }
    }
  });

  it('reads the documented forms', () => {
    expect(parseQuery('status = "pending"')).toEqual({ kind: 'compare', op: '=', path: ['status'], value: 'pending' });
    expect(parseQuery("items[0].sku == 'A-1'")).toEqual({ kind: 'compare', op: '=', path: ['items', 0, 'sku'], value: 'A-1' });
    expect(parseQuery('address.city != null')).toEqual({ kind: 'compare', op: '!=', path: ['address', 'city'], value: null });
    expect(parseQuery('`first name` <> "x" AND meta["a.b"] >= 2n')).toEqual({
      kind: 'and',
      terms: [
        { kind: 'compare', op: '!=', path: ['first name'], value: 'x' },
        { kind: 'compare', op: '>=', path: ['meta', 'a.b'], value: 2n },
      ],
    });
    expect(parseQuery('id = 12345678901234567890')).toEqual({ kind: 'compare', op: '=', path: ['id'], value: 12345678901234567890n });
    expect(parseQuery('status not in ["a", 1]')).toEqual({ kind: 'not', term: { kind: 'in', path: ['status'], values: ['a', 1] } });
    expect(parseQuery('not exists(a) or a = 1 and b = 2')).toEqual({
      kind: 'or',
      terms: [{ kind: 'not', term: { kind: 'exists', path: ['a'] } }, { kind: 'and', terms: [{ kind: 'compare', op: '=', path: ['a'], value: 1 }, { kind: 'compare', op: '=', path: ['b'], value: 2 }] }],
    });
    expect(parseQuery('startsWith(sku, "A-") and contains(note, \'fragile\') and changed(status)').kind).toBe('and');
  });

  it('points at the column of a syntax error, in one line', () => {
    const cases: [string, number, RegExp][] = [
      ['status =', 9, /expected a value/],
      ['status = "pending" and', 23, /expected a condition/],
      ['status ~ "x"', 8, /expected an operator/],
      ['(a = 1', 7, /expected "\)"/],
      ['a = 1 b = 2', 7, /found "b"/],
      ['  frobnicate(a)', 3, /unknown function frobnicate\(\)/],
      ['startsWith(a, 1)', 15, /expected a string/],
      ['a.', 3, /expected a field name/],
      ['a in [1,', 9, /expected a value/],
      ['and = 1', 1, /expected a condition/],
      ['a = 1e400', 5, /too large/],
      ['   ', 1, /empty/],
    ];
    for (const [text, column, message] of cases) {
      let error: unknown;
      try {
        parseQuery(text);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(QuerySyntaxError);
      const e = error as QuerySyntaxError;
      expect([text, e.column]).toEqual([text, column]);
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(new RegExp(`^query error at column ${column}: `));
      expect(e.message).not.toContain('\n');
    }
  });

  it('refuses a query nested too deeply or too long with one line, and still parses the next one', () => {
    expect(() => parseQuery(`${'('.repeat(1500)}a = 1${')'.repeat(1500)}`)).toThrow(/^query error at column 1: the query nests too deeply/);
    expect(() => parseQuery(`${'not '.repeat(1000)}a = 1`)).toThrow(QuerySyntaxError);
    expect(() => parseQuery(`a = "${'x'.repeat(5000)}"`)).toThrow(/the longest accepted is 4096/);
    const chain = parseQuery(Array.from({ length: 200 }, (_, i) => `a = ${i}`).join(' or '));
    expect(chain.kind === 'or' && chain.terms.length).toBe(200);
  });

  it('changed() is for diffs: refused on a record, and true when a field appears, goes or differs', () => {
    const q = parseQuery('changed(status)');
    expect(() => matches(q, { status: 1 })).toThrow(/changed\(\) applies to a diff only/);
    const v = (x: unknown): { value: unknown } => ({ value: x });
    expect(matchesChange(q, v({ status: 'a' }), v({ status: 'b' }))).toBe(true);
    expect(matchesChange(q, v({ status: 'a', n: 1 }), v({ status: 'a', n: 2 }))).toBe(false);
    expect(matchesChange(q, null, v({ status: 'a' }))).toBe(true);
    expect(matchesChange(q, v({ n: 1 }), null)).toBe(false);
    expect(matchesChange(q, v({ status: 1 }), v({ status: 1n }))).toBe(true);
    expect(matchesChange(q, v({ status: [1, { a: Buffer.from('x') }] }), v({ status: [1, { a: Buffer.from('x') }] }))).toBe(false);
    const both = parseQuery('changed(status) and status = "shipped"');
    expect(matchesChange(both, v({ status: 'shipped' }), v({ status: 'returned' }))).toBe(true);
    expect(matchesChange(both, v({ status: 'new' }), v({ status: 'paid' }))).toBe(false);
  });
});
