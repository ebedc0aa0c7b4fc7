import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  IPC_EVENT_CHANNEL,
  IPC_METHOD_PREFIX,
  PAGE_LIMIT_MAX,
  contract,
  ipcChannel,
  isMethod,
  parseRequest,
} from './index';
import type { Method } from './index';

const methods = Object.keys(contract) as Method[];

function message(method: Method, raw: unknown): string {
  const parsed = parseRequest(method, raw);
  if (parsed.ok) throw new Error(`expected ${method} to reject ${JSON.stringify(raw)}`);
  return parsed.message;
}

describe('contract', () => {
  it('names every method once, each with a request schema', () => {
    expect(new Set(methods).size).toBe(methods.length);
    for (const method of methods) {
      expect(typeof contract[method].request.safeParse).toBe('function');
      expect(method).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
    }
    expect(isMethod('records.page')).toBe(true);
    expect(isMethod('toString')).toBe(false);
    expect(isMethod('__proto__')).toBe(false);
    expect(isMethod(42)).toBe(false);
  });

  it('accepts well-formed requests and fills defaults', () => {
    expect(parseRequest('store.open', { path: '/x.th' })).toEqual({ ok: true, value: { path: '/x.th', readOnly: true } });
    expect(parseRequest('records.page', { storeId: 's1' })).toMatchObject({ ok: true, value: { storeId: 's1', limit: 200 } });
    expect(parseRequest('app.info', undefined)).toEqual({ ok: true, value: {} });
    expect(parseRequest('records.page', {
      storeId: 's1',
      range: { from: { json: ['users', 1] }, to: { hex: '20ff' }, prefix: { text: 'us' }, reverse: true },
      after: 'abcd',
      limit: PAGE_LIMIT_MAX,
    }).ok).toBe(true);
  });

  it('rejects malformed requests with one clear line naming the method and the field', () => {
    expect(message('records.page', { storeId: 's1', limit: -1 })).toBe('bad request to records.page: limit must be a positive integer');
    expect(message('records.page', { storeId: 's1', limit: 2.5 })).toBe('bad request to records.page: limit must be a positive integer');
    expect(message('records.page', { storeId: 's1', limit: PAGE_LIMIT_MAX + 1 })).toBe(`bad request to records.page: limit must be at most ${PAGE_LIMIT_MAX}`);
    expect(message('records.page', { limit: 5 })).toBe('bad request to records.page: storeId is required');
    expect(message('records.page', 'nope')).toBe('bad request to records.page: request must be an object');
    expect(message('records.page', { storeId: 's1', limti: 5 })).toBe('bad request to records.page: request has unknown field(s) limti');
    expect(message('records.page', { storeId: 's1', after: 'xyz' })).toBe('bad request to records.page: after must be hex (an even number of 0-9a-f digits)');
    expect(message('records.page', { storeId: 's1', range: { from: { base64: 'AA==' } } })).toBe('bad request to records.page: range.from must be one of {hex}, {json} or {text}');
    expect(message('store.open', { path: 5 })).toBe('bad request to store.open: path must be a string');
    expect(message('store.open', { path: '' })).toBe('bad request to store.open: path must not be empty');
    expect(message('store.open', { path: '/x', readOnly: 'yes' })).toBe('bad request to store.open: readOnly must be true or false');
    expect(message('theme.set', { theme: 'blue' })).toBe("bad request to theme.set: theme must be 'dark', 'light' or 'system'");
    expect(message('tree.node', { storeId: 's1', address: { offset: -1, length: 1, kind: 'leaf', level: 0, checksum: 0 } }))
      .toBe('bad request to tree.node: address.offset must not be negative');
    expect(message('records.export', { storeId: 's1', format: 'xml', path: '/tmp/x' })).toBe("bad request to records.export: format must be 'jsonl' or 'csv'");
  });

  it('keeps every message on one line', () => {
    const line = message('records.page', { storeId: 3, limit: 'x', after: 1, range: 'r', extra: true });
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^bad request to records\.page: /);
    expect(line).toContain('more problem');
  });

  it('names IPC channels as the preload script expects', () => {
    expect(ipcChannel('store.open')).toBe(`${IPC_METHOD_PREFIX}store.open`);
    // The sandboxed preload cannot import zod, so it repeats these two strings; keep them equal.
    const preload = readFileSync(new URL('../../main/preload.ts', import.meta.url), 'utf8');
    expect(preload).toContain(`const METHOD_PREFIX = '${IPC_METHOD_PREFIX}';`);
    expect(preload).toContain(`const EVENT_CHANNEL = '${IPC_EVENT_CHANNEL}';`);
  });

  it('has no Node imports, so the renderer can import it (nor do the feature maps it spreads)', () => {
    const files = readdirSync(new URL('./', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => `./${f}`);
    for (const file of files) {
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      const imports = [...source.matchAll(/^(?:import|export) .* from '([^']+)';$/gm)].map((m) => m[1]!);
      // Only zod, lossless-json (pure JS) and sibling contract files: nothing that would drag Node into the renderer.
      expect(imports.filter((i) => i !== 'zod' && i !== 'lossless-json' && !/^\.\/[a-z-]+$/.test(i)), file).toEqual([]);
    }
    expect(files.length).toBeGreaterThan(3);
  });
});
