/**
 * Test helpers: run the CLI in-process with captured output, or as a real subprocess.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo, TextSink } from './io';
import { runCli } from './main';

/** What a run printed and returned. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Text fed to stdin (for `load` without INPUT). */
  readonly stdin?: string;
  readonly env?: Record<string, string>;
  /** Pretend stdout/stderr are terminals of this width. */
  readonly tty?: number;
}

/** A sink that collects text, optionally posing as a terminal. */
export function captureSink(tty?: number): TextSink & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY: tty !== undefined,
    columns: tty,
    write(text: string) {
      chunks.push(text);
    },
    text: () => chunks.join(''),
  };
}

/** Runs `thunderhead <args>` in-process. */
export async function run(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = captureSink(options.tty);
  const stderr = captureSink(options.tty);
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin !== undefined ? [options.stdin] : []),
    env: options.env ?? {},
  };
  const code = await runCli(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The repository root (two levels above app/cli). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `node bin/thunderhead.mjs <args>` as a real process. */
export function runProcess(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): RunResult {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'thunderhead.mjs'), ...args], {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, THUNDERHEAD_DEBUG: '', ...options.env },
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(): { dir: string; path(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'thunderhead-cli-'));
  return {
    dir,
    path: (name: string) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Splits output into non-empty lines. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}
