/**
 * Handlers of the methods in `app/contracts/` for issue 6, on the engine.
 */
import type { versionMethods } from '../contract';
import type { HandlersOf, ServiceContext } from './context';

/** The handlers, given the service's context. */
export function versionHandlers(context: ServiceContext): HandlersOf<keyof typeof versionMethods> {
  void context;
  return {};
}
