/**
 * `@topo/runtime`: what service code imports. Services, endpoints, errors, typed clients and
 * databases; the host (`@topo/runtime/host`) and the gateway (`@topo/runtime/gateway`) serve them.
 */
export { Service, type ServiceOptions, type Middleware } from './service';
export {
  api,
  DEFAULT_METHODS,
  type ApiOptions,
  type RawApiOptions,
  type RawHandler,
  type Method,
  type Endpoint,
  type RawEndpoint,
} from './api';
export { APIError, ErrCode, type ErrorBody } from './errors';
export { client, type Client } from './client';
export { jsonCopy } from './json-copy';
export { SQLDatabase, Transaction, type SQLDatabaseOptions, type Row } from './database/database';
export { MigrationError, DatabaseConfigError } from './database/errors';
export type { JsonSchema, JsonType } from './validation';
