/**
 * How to run the `thunderhead` command from where the person is, for hints that print commands
 * ("create one with `npx thunderhead create x.th`"). After `npm install` in a checkout the bin
 * is not on PATH, so a bare `thunderhead …` hint would not run as shown.
 */
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root (the checkout or the installed package): the nearest folder above this
 * module with the package's package.json. Searched, because the module runs from app/cli/ in a
 * clone and from the compiled out/node/ in the installed package.
 */
const PACKAGE_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'thunderhead') return dir;
    } catch {
      // No package.json here (or not ours): look further up.
    }
    if (dirname(dir) === dir) return resolve(from, '..', '..');
  }
}
/** The entry point `bin` names in package.json. */
const BIN = join(PACKAGE_ROOT, 'bin', 'thunderhead.mjs');

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** True when `thunderhead` on PATH is this package's bin (a global install or `npm link`). O(PATH entries). */
function onPath(env: Readonly<Record<string, string | undefined>>): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'thunderhead');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    if (sameFile(candidate, BIN)) return true;
  }
  return false;
}

function quoted(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command prefix that runs this CLI from `cwd`: `thunderhead` when it is on PATH,
 * `npx thunderhead` inside the package (npm runs the package's own bin there, offline), else
 * `node <path to bin/thunderhead.mjs>`. O(PATH entries) file checks.
 */
export function cliCommand(env: Readonly<Record<string, string | undefined>> = process.env, cwd: string = process.cwd()): string {
  if (onPath(env)) return 'thunderhead';
  const inside = relative(PACKAGE_ROOT, resolve(cwd));
  if (inside === '' || (!inside.startsWith('..') && !inside.startsWith(sep) && !/^[a-zA-Z]:/.test(inside))) return 'npx thunderhead';
  return `node ${quoted(BIN)}`;
}

/** Rewrites hints written as `` `thunderhead …` `` (engine messages) into the form {@link cliCommand} gives. */
export function runnableHints(message: string, command: string = cliCommand()): string {
  return command === 'thunderhead' ? message : message.replace(/`thunderhead /g, `\`${command} `);
}
