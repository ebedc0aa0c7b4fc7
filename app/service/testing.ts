/**
 * Test helpers for service tests: call a method and get its result (or throw naming the error),
 * or expect a one-line error. Used by every `*-handlers.test.ts` and `service.test.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Method, Outcome, RequestOf, ResponseOf, ServiceErrorData } from '../contract';
import { createService, type Service } from './service';

/** Node sizes small enough that a test store has several levels and buffered messages. */
export const SMALL_NODES = { nodeSize: 1024, fanout: 8, bufferSize: 2048, blobThreshold: 256 } as const;

/** `ok` and `fails` bound to the service `current()` returns at call time (tests recreate it). */
export function callers(current: () => Service): {
  ok<M extends Method>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>>;
  fails(method: string, params: unknown): Promise<ServiceErrorData>;
} {
  return {
    async ok<M extends Method>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>> {
      const outcome = (await current().call(method, params)) as Outcome<M>;
      if ('error' in outcome) throw new Error(`${method} failed: ${outcome.error.code} ${outcome.error.message}`);
      return outcome.result;
    },
    async fails(method: string, params: unknown): Promise<ServiceErrorData> {
      const outcome = await current().call(method, params);
      if (!('error' in outcome)) throw new Error(`${method} unexpectedly succeeded`);
      // Errors cross the boundary as one line a person can act on, never a stack.
      if (outcome.error.message.includes('\n')) throw new Error(`${method} error is not one line: ${outcome.error.message}`);
      return outcome.error;
    },
  };
}

/**
 * A fresh service and temp folder for each test of the calling file (registers its own
 * beforeEach/afterEach): the service may open files under the system temp folder, and both are
 * gone after each test. `dir()` and `service()` name the current test's.
 */
export function serviceInTempDir(prefix: string): ReturnType<typeof callers> & { dir(): string; service(): Service } {
  let dir = '';
  let service: Service | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    service = createService({ host: 'test', allowedPlaces: { files: [], dirs: [tmpdir()] }, pollIntervalMs: 25, settingsPath: join(dir, 'settings.json') });
  });
  afterEach(() => {
    service?.close();
    service = null;
    rmSync(dir, { recursive: true, force: true });
  });
  const current = (): Service => {
    if (!service) throw new Error('serviceInTempDir: no test is running');
    return service;
  };
  return { ...callers(current), dir: () => dir, service: current };
}
