/**
 * User settings that outlive a run: recent files and the theme. Stored as a small JSON file
 * (the host chooses where: Electron's userData, or ~/.config/thunderhead for serve); without a
 * path they live in memory only (tests, throwaway serve runs).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { RecentFile, Theme } from '../contract';

/** How many recent files are remembered. */
export const RECENT_MAX = 12;

const stored = z.object({
  theme: z.enum(['dark', 'light', 'system']).catch('system'),
  recent: z.array(z.object({ path: z.string(), openedAt: z.number() })).catch([]),
});
type Stored = z.infer<typeof stored>;

/** Reads and writes the settings file; a missing or unreadable file means defaults. */
export class Settings {
  #data: Stored;
  constructor(private readonly path?: string) {
    this.#data = { theme: 'system', recent: [] };
    if (path && existsSync(path)) {
      try {
        this.#data = stored.parse(JSON.parse(readFileSync(path, 'utf8')));
      } catch {
        // A damaged settings file must not stop the inspector; it is rewritten on the next change.
      }
    }
  }

  get theme(): Theme {
    return this.#data.theme;
  }

  set theme(theme: Theme) {
    this.#data = { ...this.#data, theme };
    this.#save();
  }

  /** Recent files, newest first, each checked for existence now. */
  recent(): RecentFile[] {
    return this.#data.recent.map((r) => ({ path: r.path, openedAt: r.openedAt, exists: existsSync(r.path) }));
  }

  /** Moves `path` to the front of the recent list. */
  touch(path: string, now = Date.now()): void {
    const recent = [{ path, openedAt: now }, ...this.#data.recent.filter((r) => r.path !== path)].slice(0, RECENT_MAX);
    this.#data = { ...this.#data, recent };
    this.#save();
  }

  /** Forgets one path, or every path when none is given. */
  forget(path?: string): void {
    this.#data = { ...this.#data, recent: path === undefined ? [] : this.#data.recent.filter((r) => r.path !== path) };
    this.#save();
  }

  #save(): void {
    if (!this.path) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      // Write then rename so a crash never leaves half a settings file. 0600: the recent list
      // names the user's files, which other local users have no business reading. The mode
      // applies only when the file is created, so a leftover temporary file is removed first.
      const tmp = `${this.path}.tmp-${process.pid}`;
      rmSync(tmp, { force: true });
      writeFileSync(tmp, `${JSON.stringify(this.#data, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      renameSync(tmp, this.path);
    } catch {
      // Settings are a convenience: failing to save them must not fail the call that changed them.
    }
  }
}
