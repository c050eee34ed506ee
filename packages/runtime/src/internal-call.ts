import { APIError, ErrCode } from './errors';

/**
 * Calls from one service to another over HTTP: `POST /__topo/call/<service>/<endpoint>`,
 * the whole request as the JSON body. Shared by the client that sends them and the host
 * that answers them, so both agree on paths and messages.
 */

/** The path prefix of internal calls. */
export const INTERNAL_CALL_PREFIX = '/__topo/call/';

export function internalCallPath(service: string, endpoint: string): string {
  return `${INTERNAL_CALL_PREFIX}${service}/${endpoint}`;
}

/** The 404 for an unknown endpoint of a known service, the same in-process and over HTTP. */
export function noSuchEndpoint(service: string, name: string): APIError {
  return new APIError(ErrCode.NotFound, `service "${service}" has no typed endpoint "${name}"`);
}
