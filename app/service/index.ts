/** The inspector service: the contract implemented on the engine, for any host. */
export { createService } from './service';
export type { EventSource, HostHooks, Service, ServiceOptions } from './service';
export { ServiceError, toErrorData } from './errors';
