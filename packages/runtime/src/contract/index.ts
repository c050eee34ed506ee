/**
 * `@topo/runtime/contract`: the rules of what users write, in one place. The runtime
 * enforces them when a process starts; `@topo/nx`'s static analysis imports the same
 * functions and reports the same problems at `nx graph`, `nx serve` and `nx build` time.
 * It has no dependency, so the Nx plugin can load it cheaply.
 */
export { accepted, describeProblem, refused, type Checked, type ContractProblem } from './problem';
export { ANY_METHOD, DEFAULT_METHODS, HTTP_METHODS, QUERY_METHODS, readMethods, type Method } from './methods';
export { isServiceName, readServiceName, suggestServiceName } from './names';
export {
  databaseUrlVariable,
  EMBEDDED_DATABASES_FOLDER,
  embeddedDataFolder,
  migrationsVariable,
  readDatabaseName,
  readMigrationFile,
  readMigrationFiles,
  type MigrationFile,
} from './database';
export { DEFAULT_BODY_LIMIT, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, readBodyLimit, readEndpointOptions, readExpose, readTimeout, type EndpointDeclaration } from './endpoint';
export {
  MethodTable,
  paramNames,
  parseRoutePath,
  readRoutePath,
  RESERVED_PREFIX,
  RouteTable,
  type PathMatch,
  type RouteSegment,
} from './routes';
export type { JsonSchema, JsonType } from './json-schema';
export type { GatewayRoute } from './gateway-route';
