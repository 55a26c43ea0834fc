// Public surface of the NAS API client, for the daemon, jobs and CLI.
export { NasClient, type CallOptions, type NasClientOptions } from './client.ts';
export { createNasConnection, NasConnection, type NasConnectionOptions } from './connection.ts';
export { NasApiError, isNasApiError, type NasFailureKind } from './errors.ts';
export { IdentityClient, findNasEndpoint, type CatalogEntry, type ServiceCatalog, type IdentityClientOptions, type IdentityCredentials } from './identity.ts';
export { NAS_OPERATIONS, type NasOperationName } from './operations.ts';
export { collectPages, collectPagesReporting, walkPages, PagingError, type Page, type SkippedItem } from './paging.ts';
export { isKnown, type KnownOrUnknown, type UnknownValue } from './open-enum.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
export * from './schemas.ts';
