/**
 * The static analysis of Topo services: the one parser of service code that the graph
 * plugin, the generators, the executors and the catalog all read.
 */
export {
  type AnalysisError,
  type AnalysisErrorCode,
  formatAnalysisError,
  formatAnalysisErrors,
  isValidServiceName,
} from './errors';
export { diskHost, treeHost, type SourceHost } from './files';
export { createModuleResolver, importNeedles, pathAliases, type ModuleResolver, type PathAlias } from './resolve';
export { createHostProgram, type HostProgram } from './program';
export { typescript } from './typescript';
export {
  bindingNamesIn,
  isMemberName,
  readModuleSyntax,
  SPLIT_HOST_COMMENT,
  type ImportSyntax,
  type ModuleSyntax,
  type SpecifierSyntax,
  type TestHostSyntax,
} from './module-syntax';
export {
  declaredNames,
  isTypePosition,
  readDeclarations,
  type DeclarationGraph,
  type ExportElement,
  type ImportBinding,
  type ModuleDeclarations,
  type StatementKind,
  type TopLevelReference,
  type TopLevelStatement,
} from './declarations';
export {
  CLIENT_FILE,
  SERVICE_FILE,
  findServices,
  isInside,
  type FoundServices,
  type ReadOptions,
  type ServiceLocation,
} from './services';
export { contentHash, readFileFacts, RUNTIME_MODULE, type CachedFileFacts, type FileFacts, type FileFactsCache } from './syntax';
export { analyzeApp } from './app';
export { routeConflicts } from './routes';
export {
  analyzeService,
  analyzeWorkspace,
  type CallInfo,
  type DatabaseInfo,
  type DatabaseUse,
  type EndpointInfo,
  type ImportInfo,
  type ServiceInfo,
  type WorkspaceAnalysis,
} from './workspace';
export {
  endpointSchemas,
  type EndpointSchemas,
  type JsonSchema,
  type SchemaOptions,
} from './schemas';
export {
  APP_CONFIG_FILE,
  appProjectName,
  BUILT_IN_TOPOLOGIES,
  groupName,
  parseAppConfig,
  readAppConfig,
  resolveAppServices,
  resolveTopology,
  type AppConfig,
  type ProcessGroup,
  type ResolvedTopology,
} from './app-config';
export { loadSqlParser, readMigrationStatements, tablesOfQuery, type MigrationStatement, type SqlError } from './sql';
