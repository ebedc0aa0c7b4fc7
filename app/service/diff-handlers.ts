/**
 * Handlers of the diff methods in `app/contracts/diff.ts`, on the engine.
 */
import type { diffMethods } from '../contract';
import type { HandlersOf, ServiceContext } from './context';

/** The handlers, given the service's context. */
export function diffHandlers(context: ServiceContext): HandlersOf<keyof typeof diffMethods> {
  void context;
  return {};
}
