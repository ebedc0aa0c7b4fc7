/**
 * Parsers for option values. They throw commander's InvalidArgumentError, so a bad value is a
 * usage error (exit 2) reported by commander with the option's name.
 */
import { InvalidArgumentError } from 'commander';

/** An integer ≥ 1, e.g. `--limit`, `--records`, `--commit-every`. */
export function parsePositiveInt(text: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw new InvalidArgumentError('must be a positive integer');
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive integer');
  return value;
}

/** An integer ≥ 0, e.g. `compact --keep`. */
export function parseNonNegativeInt(text: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
    throw new InvalidArgumentError('must be a non-negative integer');
  }
  return Number(trimmed);
}

/**
 * A version reference as the engine's `at()` takes it: a version id when it is all digits,
 * otherwise a snapshot or branch name.
 */
export function parseVersionRef(text: string): number | string {
  if (text.length === 0) throw new InvalidArgumentError('must be a version id, snapshot name or branch name');
  return /^\d+$/.test(text) ? Number(text) : text;
}
