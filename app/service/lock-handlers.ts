/**
 * Handlers of the methods in `app/contracts/` for issue 7, on the engine.
 */
import type { lockMethods } from '../contract';
import type { HandlersOf, ServiceContext } from './context';

/** The handlers, given the service's context. */
export function lockHandlers(context: ServiceContext): HandlersOf<keyof typeof lockMethods> {
  void context;
  return {};
}
