/**
 * Handlers of the methods in `app/contracts/` for issue 8, on the engine.
 */
import type { editMethods } from '../contract';
import type { HandlersOf, ServiceContext } from './context';

/** The handlers, given the service's context. */
export function editHandlers(context: ServiceContext): HandlersOf<keyof typeof editMethods> {
  void context;
  return {};
}
