import { describe, expect, it } from 'vitest';
import { buildRange, defaultExportPath, describeFilter, EMPTY_FILTER } from './filters';

describe('record filters', () => {
  it('leaves the range out when nothing is set', () => {
    expect(buildRange(EMPTY_FILTER, null)).toEqual({ ok: true, range: undefined });
  });
  it('builds prefix, bounds and direction', () => {
    const r = buildRange({ mode: 'tuple', prefix: '"orders", 7', from: '', to: 'orders, 8', reverse: true }, null);
    expect(r).toEqual({ ok: true, range: { prefix: { json: ['orders', 7] }, to: { json: ['orders', 8] }, reverse: true } });
  });
  it('takes one bare or quoted string as a text prefix, a bracketed tuple element-wise (issue 14.14)', () => {
    const prefix = (text: string) => {
      const r = buildRange({ ...EMPTY_FILTER, prefix: text }, null);
      return r.ok ? r.range?.prefix : r.error;
    };
    expect(prefix('user:01')).toEqual({ json: 'user:01' });
    expect(prefix('"user:01"')).toEqual({ json: 'user:01' });
    expect(prefix('("user:01")')).toEqual({ json: ['user:01'] });
    expect(prefix('["user:01"]')).toEqual({ json: ['user:01'] });
    expect(prefix('7')).toEqual({ json: [7] });
    expect(prefix('ids, 12345678901234567890')).toEqual({ json: ['ids', { $bigint: '12345678901234567890' }] });
  });
  it('starts at a jumped-to key in either direction', () => {
    const jump = { hex: 'aa', label: 'x', found: true };
    expect(buildRange(EMPTY_FILTER, jump)).toEqual({ ok: true, range: { from: { hex: 'aa' } } });
    expect(buildRange({ ...EMPTY_FILTER, reverse: true }, jump)).toEqual({ ok: true, range: { to: { hex: 'aa00' }, reverse: true } });
  });
  it('names the field with a bad key', () => {
    expect(buildRange({ ...EMPTY_FILTER, mode: 'hex', from: 'xyz' }, null)).toMatchObject({ ok: false, field: 'from' });
  });
  it('describes the filter and proposes an export path', () => {
    expect(describeFilter(EMPTY_FILTER, null)).toBe('all records');
    expect(describeFilter({ ...EMPTY_FILTER, prefix: 'users' }, null)).toBe('prefix users');
    expect(defaultExportPath('/data/demo.th', 'csv')).toBe('/data/demo-export.csv');
    expect(defaultExportPath('C:\\data\\demo.th', 'jsonl')).toBe('C:\\data\\demo-export.jsonl');
  });
});
