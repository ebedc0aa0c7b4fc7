/**
 * Handlers of the methods in `app/contracts/locks.ts` (issue 7). Interim: the contract is
 * published first so the Locks view can be built against it; every method answers UNSUPPORTED
 * until the monitor client lands.
 */
import type { lockMethods } from '../contract';
import type { HandlersOf, ServiceContext } from './context';
import { ServiceError } from './errors';

const notYet = (): never => {
  throw new ServiceError('UNSUPPORTED', 'the lock monitor is not available in this build yet');
};

/** The handlers, given the service's context. */
export function lockHandlers(context: ServiceContext): HandlersOf<keyof typeof lockMethods> {
  void context;
  return { 'locks.discover': notYet, 'locks.attach': notYet, 'locks.detach': notYet, 'locks.snapshot': notYet, 'locks.startDemo': notYet };
}
