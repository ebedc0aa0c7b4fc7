/**
 * Test helpers for service tests: call a method and get its result (or throw naming the error),
 * or expect a one-line error. Used by every `*-handlers.test.ts` and `service.test.ts`.
 */
import type { Method, Outcome, RequestOf, ResponseOf, ServiceErrorData } from '../contract';
import type { Service } from './service';

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
