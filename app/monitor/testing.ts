/**
 * Test helpers: a `thunderhead workload` child process with its monitor up, and waiting for a
 * condition without timing assertions (the wait has a generous limit; the test asserts facts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../cli/testing';
import { readAdvert } from './advert';

/** A running workload child. */
export interface WorkloadChild {
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once it exits. */
  readonly exited: Promise<number | string>;
}

/** Starts `thunderhead workload FILE …args` and resolves once its own advert is written. */
export async function startWorkload(file: string, args: readonly string[]): Promise<WorkloadChild> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'thunderhead.mjs'), 'workload', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, THUNDERHEAD_DEBUG: '' },
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(signal ?? code ?? -1)));
  let gone = false;
  void exited.then(() => (gone = true));
  // Its own advert: a stale one from a killed predecessor may be there first.
  const ours = (): boolean => {
    const read = readAdvert(file);
    return read !== null && 'advert' in read && read.advert.pid === child.pid;
  };
  await waitFor(() => ours() || gone, 30_000, 'the workload advert');
  if (gone) throw new Error(`workload exited early: ${err}`);
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls `check` every 25 ms until it is true; throws naming `what` after `limitMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
