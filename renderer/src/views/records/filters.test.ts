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
