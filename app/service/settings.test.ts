import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settings } from './settings';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'th-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('settings file', () => {
  it('is written 0600 (the recent list names the user\'s files), in a 0700 directory it creates', () => {
    const path = join(dir, 'config', 'thunderhead', 'settings.json');
    const settings = new Settings(path);
    settings.touch('/home/someone/secret-project.th', 1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'config', 'thunderhead')).mode & 0o777).toBe(0o700);
    // A leftover world-readable temporary file from a crashed run does not lend its mode.
    writeFileSync(`${path}.tmp-${process.pid}`, 'stale', { mode: 0o644 });
    settings.theme = 'dark';
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(new Settings(path).recent().map((r) => r.path)).toEqual(['/home/someone/secret-project.th']);
    expect(new Settings(path).theme).toBe('dark');
  });
});
