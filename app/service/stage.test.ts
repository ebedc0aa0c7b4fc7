import { describe, expect, it } from 'vitest';
import { Stage, firstAfter } from './stage';
import { csvRows, importFormat } from './stage-import';

const b = (s: string): Buffer => Buffer.from(s);

describe('Stage', () => {
  it('nets point writes in order, replays the rest when a change is dropped, and keeps its base', () => {
    const stage = new Stage();
    const one = stage.add('put', 'put a', [{ key: b('a'), value: b('1') }], 7);
    stage.add('delete', 'delete a', [{ key: b('a'), value: null }], 9);
    const three = stage.add('rename', 'rename c → b', [{ key: b('c'), value: null }, { key: b('b'), value: b('3') }], 9);
    expect(stage.base).toBe(7);
    expect(stage.get(b('a'))).toBeNull();
    expect(stage.net().map((w) => [w.key.toString(), w.value?.toString() ?? null, w.changeId])).toEqual([
      ['a', null, 2],
      ['b', '3', three.id],
      ['c', null, three.id],
    ]);
    expect(stage.remove(2)).toBe(true);
    expect(stage.get(b('a'))?.toString()).toBe('1');
    expect(stage.net()[0]!.changeId).toBe(one.id);
    expect(stage.remove(2)).toBe(false);
    expect(firstAfter(stage.net(), b('a'))).toBe(1);
    expect(firstAfter(stage.net(), b(''))).toBe(0);
    stage.clear();
    expect(stage.empty && stage.base === null && stage.size === 0).toBe(true);
  });
});

describe('CSV rows', () => {
  it('reads RFC 4180 cells: quotes, doubled quotes, commas and line breaks inside quotes', () => {
    const text = 'key,value\r\n"[""a"",1]","{""t"": ""x,\ny""}"\r\n\r\n2,3\n';
    expect([...csvRows(text)].map((r) => [r.line, r.cells])).toEqual([
      [1, ['key', 'value']],
      [2, ['["a",1]', '{"t": "x,\ny"}']],
      [5, ['2', '3']],
    ]);
    expect(() => [...csvRows('"open')]).toThrow(/line 1: a quoted cell is not closed/);
    expect(() => [...csvRows('"a"b')]).toThrow(/unexpected character/);
    expect(importFormat('x.CSV')).toBe('csv');
    expect(importFormat('x.jsonl')).toBe('jsonl');
    expect(importFormat('x.txt', 'csv')).toBe('csv');
  });
});
