/**
 * `@topo/runtime/host`: what a generated process entry imports to serve its services.
 */
export { runProcess, type ProcessConfig } from './run-process';
export { createHost, type Host, type HostConfig } from './host';
export type { HostedEndpoint, HostedService } from './plan';
export { Credentials, internalCallHeaders, AUTH_HEADER, CALLER_HEADER } from '../credential';
