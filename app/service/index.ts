/** The inspector service: the contract implemented on the engine, for any host. */
export { WRITE_METHODS, createService } from './service';
export type { EventSource, HostHooks, Service, ServiceOptions, ServiceSession } from './service';
export { FileGrants, canonicalPath } from './file-grants';
export type { AllowedPlaces, GrantKind } from './file-grants';
export { ServiceError, toErrorData } from './errors';
