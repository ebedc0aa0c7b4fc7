/**
 * `serve --open` without the token on a command line. A browser's command line (and the
 * opener's: xdg-open, open, start) is readable by every local user (`ps`), and a browser started
 * fresh keeps it for its whole life. So the browser is given the path of a small HTML file
 * instead, in a fresh 0700 directory, itself 0600, that redirects to the URL with the token in
 * its fragment. Only the user (and root) can read it; it is removed a minute later, or when the
 * host stops, whichever comes first.
 *
 * Why not a one-time launch code on the command line: whoever reads it from `ps` first could
 * exchange it before the browser does, and would then hold the token.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long the launch file stays when the host keeps running: time enough for a cold browser start. */
export const LAUNCH_FILE_TTL_MS = 60_000;

/** A launch file on disk. */
export interface LaunchFile {
  /** The file's path: safe to put on a command line. */
  readonly path: string;
  /** Removes the file and its directory. Idempotent. */
  remove(): void;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Writes the redirecting HTML file for `url` (which carries the token). O(1). */
export function writeLaunchFile(url: string): LaunchFile {
  const dir = mkdtempSync(join(tmpdir(), 'thunderhead-open-'));
  chmodSync(dir, 0o700);
  const path = join(dir, 'open-inspector.html');
  const href = escapeHtml(url);
  // 'wx': never write through a file (or symlink) someone planted at this name.
  writeFileSync(path, [
    '<!doctype html>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${href}">`,
    '<title>Opening the Thunderhead inspector…</title>',
    `<p>Opening the inspector… <a href="${href}">continue</a></p>`,
    '',
  ].join('\n'), { mode: 0o600, flag: 'wx' });
  let removed = false;
  const timer = setTimeout(() => remove(), LAUNCH_FILE_TTL_MS);
  timer.unref();
  function remove(): void {
    if (removed) return;
    removed = true;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
  return { path, remove };
}

/** Opens `target` (a file path, never a secret) with the platform's opener, if there is one. O(1): spawns and forgets. */
export function openWithPlatform(target: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '""', target] : [target];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open (headless box): the printed URL is enough.
  }
}
