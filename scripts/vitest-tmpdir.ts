// Vitest global setup: every run gets a temp directory of its own, and files a test leaves in it
// fail the run. Tests create stores under os.tmpdir(); a test that forgets to remove them used to
// leave ~1.2 GB behind per run. The workers inherit TMPDIR from this process, so os.tmpdir()
// points here in every test file and in every child process a test spawns.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let runDir: string | null = null;
let previous: string | undefined;

/** Points TMPDIR at a fresh directory for the run. O(1). */
export function setup(): void {
  previous = process.env.TMPDIR;
  runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-vitest-'));
  process.env.TMPDIR = runDir;
}

/** Lists what the run left behind, removes it, and fails the run if it was not empty. O(files left). */
export function teardown(): void {
  if (runDir === null) return;
  const dir = runDir;
  runDir = null;
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  const left = leftovers(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    // Grouped by the directory a test made, so the message names the culprit, not 200 files.
    const groups = new Map<string, number>();
    for (const f of left) groups.set(f.split('/')[0], (groups.get(f.split('/')[0]) ?? 0) + 1);
    const shown = [...groups].map(([d, n]) => `  ${d} (${n})`).join('\n');
    // vitest logs an error thrown here but keeps its exit code, so set the code as well.
    process.exitCode = 1;
    throw new Error(`tests left ${left.length} file(s) in the temp directory (every test removes what it makes):\n${shown}`);
  }
}

function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      // tsx keeps its compile cache in tsx-<uid> under the temp directory (child processes that
      // tests spawn run through tsx): a tool's cache, not something a test made.
      if (d === dir && e.name.startsWith('tsx-')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        const before = out.length;
        walk(p);
        if (out.length === before) out.push(`${path.relative(dir, p)}/`);
      } else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}
