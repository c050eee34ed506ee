/**
 * Every problem the analysis finds is a value: what is wrong, where, and what to do.
 * Callers decide how to surface them (a createNodes error, a generator refusal, an
 * executor failure); `formatAnalysisErrors` is the one way to print them.
 */
export type AnalysisErrorCode =
  | 'invalid-service-name'
  | 'duplicate-service'
  | 'nested-service'
  | 'missing-service-export'
  | 'non-literal-option'
  | 'invalid-endpoint-option'
  | 'endpoint-not-exported'
  | 'endpoint-not-routable'
  | 'duplicate-route'
  | 'private-route-shadowed'
  | 'invalid-app-config'
  | 'unknown-service'
  | 'service-not-placed'
  | 'service-placed-twice'
  | 'unknown-topology'
  | 'unknown-environment'
  | 'topology-and-environment'
  | 'app-without-services'
  | 'invalid-database-name'
  | 'database-not-top-level'
  | 'database-outside-service'
  | 'duplicate-database'
  | 'unknown-database'
  | 'database-owner-not-served'
  | 'invalid-migrations';

export interface AnalysisError {
  code: AnalysisErrorCode;
  /** Workspace-relative, posix path of the file at fault. */
  file: string;
  /** 1-based line in `file`, when the problem has one. */
  line?: number;
  /** What is wrong. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/**
 * Formats errors one per paragraph: `file:line: message` then the fix.
 *
 * @example
 * if (errors.length) throw new Error(formatAnalysisErrors(errors));
 */
export function formatAnalysisErrors(errors: readonly AnalysisError[]): string {
  return errors.map(formatAnalysisError).join('\n\n');
}

export function formatAnalysisError(error: AnalysisError): string {
  const where = error.line ? `${error.file}:${error.line}` : error.file;
  return `${where}: ${error.message}\n  ${error.fix}`;
}

/** Whether `name` can name a service: the runtime's rule (`@topo/runtime/contract`). */
export { isServiceName as isValidServiceName } from '@topo/runtime/contract';
