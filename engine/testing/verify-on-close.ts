/**
 * Test fixture (a vitest setup file): in every engine test, closing a store first runs its
 * verify() — every invariant of every retained version, read from the file — as bbolt checks
 * the database after each test. A problem fails the test that closed the store, with the
 * problems in one line each. A test that damages a file on purpose marks the store with
 * `skipVerifyOnClose` (test-support.ts). Test support only: nothing in the engine imports it.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ClosedError } from '../errors';
import type { Store } from '../store/store';
import { verifyOnCloseSkipped } from './test-support';

const failures: string[] = [];

/** Wraps Store.prototype.close so that it verifies first. */
function verifyBeforeClose(store: typeof Store): void {
  const close = store.prototype.close;
  store.prototype.close = function closeAfterVerify(this: Store): void {
    if (!verifyOnCloseSkipped(this)) {
      try {
        const report = this.verify();
        if (!report.ok) failures.push(`${this.path}: ${report.problems.slice(0, 5).map((p) => `${p.invariant} ${p.where}: ${p.message}`).join('; ')}`);
      } catch (e) {
        if (!(e instanceof ClosedError)) failures.push(`${this.path}: verify() threw ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    close.call(this);
  };
}

/** The problems closes found since the last call, and forgets them (for the fixture's own test). O(problems). */
export function takeCloseFailures(): string[] {
  return failures.splice(0);
}

function report(): void {
  if (failures.length === 0) return;
  const found = takeCloseFailures();
  throw new Error(`verify() on close found problems (a test that damages a file on purpose calls skipVerifyOnClose(store)):\n${found.join('\n')}`);
}

beforeAll(async () => {
  // Only the engine's own tests (the app's open stores through the service and damage some on
  // purpose), and the engine is loaded only for them. The test file has imported the same module
  // already: patching its prototype now covers every store the tests open.
  if (/[\\/]engine[\\/]/.test(expect.getState().testPath ?? '')) verifyBeforeClose((await import('../store/store')).Store);
});
afterEach(report);
afterAll(report);
