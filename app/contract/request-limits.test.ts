import { describe, expect, it } from 'vitest';
import { parseRequest } from './index';
import { REQUEST_MAX_DEPTH, checkRequestShape, formatLimit } from './request-limits';

const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('request size and depth guard', () => {
  it('measures without recursion: deep, cyclic and oversized values get one line, fitting ones null', () => {
    expect(checkRequestShape({ a: [1, 'x', null, { b: true }] })).toBeNull();
    // The request object is depth 1: REQUEST_MAX_DEPTH levels pass, one more does not.
    expect(checkRequestShape(nested(REQUEST_MAX_DEPTH))).toBeNull();
    expect(checkRequestShape(nested(REQUEST_MAX_DEPTH + 1))).toBe(`request nests more than ${REQUEST_MAX_DEPTH} levels deep`);
    expect(checkRequestShape(nested(1_000_000))).toMatch(/nests more than/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(checkRequestShape(cyclic)).toMatch(/nests more than/);
    expect(checkRequestShape({ s: 'x'.repeat(100) }, { maxBytes: 64, maxDepth: 10 })).toBe('request is larger than 64 bytes');
    expect(checkRequestShape(new Array(10_000_000).fill(0), { maxBytes: 1 << 20, maxDepth: 10 })).toBe('request is larger than 1 MiB');
    expect(formatLimit(16 << 20)).toBe('16 MiB');
  });

  it('parseRequest refuses a value deep enough to overflow the validator, instead of throwing', () => {
    // 6000 levels overflow zod's recursive walk (a RangeError on 6cf2d2c).
    const deep = { storeId: 's', change: { op: 'put', key: { json: 'k' }, value: { json: nested(6000) } } };
    expect(parseRequest('edit.stage', deep)).toEqual({ ok: false, message: `bad request to edit.stage: request nests more than ${REQUEST_MAX_DEPTH} levels deep` });
    // A value as deep as the records layer allows (256) still passes.
    const ok = { storeId: 's', change: { op: 'put', key: { json: 'k' }, value: { json: nested(256) } } };
    expect(parseRequest('edit.stage', ok).ok).toBe(true);
  });
});
