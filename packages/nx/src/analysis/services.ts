import { posix } from 'node:path';
import { readServiceName } from '@topo/runtime/contract';
import type { AnalysisError } from './errors';
import { diskHost, isIgnoredPath, type SourceHost } from './files';
import { type FileFactsCache, readFileFacts } from './syntax';

/** Where a service lives. */
export interface ServiceLocation {
  /** The name given to `new Service('<name>')`. */
  name: string;
  /** Workspace-relative folder of `service.ts`: everything below it belongs to the service. */
  root: string;
  /** Workspace-relative path of `service.ts`. */
  serviceFile: string;
  /** Line of the default export in `service.ts`. */
  line: number;
}

export interface ReadOptions {
  /**
   * Workspace-relative files to consider (the graph plugin passes what Nx matched);
   * default: every file of the workspace outside node_modules, dist, tmp and dot folders.
   */
  files?: readonly string[];
  /** Where to read from; default: the disk under `workspaceRoot`. */
  host?: SourceHost;
  /** Parsed facts per file, reused while a file's content hash is unchanged. */
  cache?: FileFactsCache;
}

export interface FoundServices {
  /** The valid services, ordered by root. */
  services: ServiceLocation[];
  errors: AnalysisError[];
}

export const SERVICE_FILE = 'service.ts';
export const CLIENT_FILE = 'client.ts';

/**
 * Finds every `service.ts` whose default export is `new Service('<name>')`, with
 * `Service` imported from `@topo/runtime`. A `service.ts` that does not import the
 * runtime is no Topo file and is ignored. Invalid names, duplicate names, nested
 * services and a `service.ts` without the export are errors; the services at fault are
 * left out of `services` (for duplicates and nesting, the second one found).
 *
 * @example
 * const { services, errors } = findServices(workspaceRoot);
 * services.map((s) => `${s.name} at ${s.root}`); // ['hello at apps/api/services/hello']
 */
export function findServices(workspaceRoot: string, options: ReadOptions = {}): FoundServices {
  const host = options.host ?? diskHost(workspaceRoot);
  const candidates = (options.files ?? host.list())
    .filter((file) => posix.basename(file) === SERVICE_FILE && !isIgnoredPath(file))
    .sort();
  const errors: AnalysisError[] = [];
  const declared: ServiceLocation[] = [];
  for (const serviceFile of candidates) {
    const text = host.read(serviceFile);
    if (text === undefined) continue;
    const facts = readFileFacts(serviceFile, text, options.cache);
    if (!facts.usesRuntime) continue;
    const service = facts.service;
    if (!service?.name) {
      errors.push(missingExport(serviceFile, service?.line, service?.problem));
      continue;
    }
    const name = readServiceName(service.name);
    if (!name.ok) {
      errors.push({ code: 'invalid-service-name', file: serviceFile, line: service.line, message: `${name.problem.message}.`, fix: name.problem.fix });
      continue;
    }
    declared.push({ name: service.name, root: posix.dirname(serviceFile), serviceFile, line: service.line });
  }
  return { services: rejectConflicts(declared, errors), errors };
}

function missingExport(file: string, line: number | undefined, problem: string | undefined): AnalysisError {
  if (problem === 'non-literal-name') {
    return {
      code: 'missing-service-export',
      file,
      line,
      message: 'The service name is not a string literal, so the service cannot be found without running the code.',
      fix: `Name it with a literal: \`export default new Service('orders');\`.`,
    };
  }
  return {
    code: 'missing-service-export',
    file,
    line,
    message: `${SERVICE_FILE} does not default-export \`new Service('<name>')\`.`,
    fix: `Add \`export default new Service('<name>');\` with Service imported from '@topo/runtime', or rename the file if it is no service.`,
  };
}

/** Drops services whose name is taken or whose folder is inside another service. */
function rejectConflicts(declared: ServiceLocation[], errors: AnalysisError[]): ServiceLocation[] {
  const byName = new Map<string, ServiceLocation>();
  const accepted: ServiceLocation[] = [];
  // Sorted by root, so a service's ancestors come before it.
  for (const service of [...declared].sort((a, b) => a.root.localeCompare(b.root))) {
    const taken = byName.get(service.name);
    if (taken) {
      errors.push({
        code: 'duplicate-service',
        file: service.serviceFile,
        line: service.line,
        message: `Service name "${service.name}" is declared twice: in ${taken.serviceFile} and in ${service.serviceFile}.`,
        fix: 'Rename one of them; service names are unique in the workspace.',
      });
      continue;
    }
    const outer = accepted.find((other) => isInside(service.root, other.root));
    if (outer) {
      errors.push({
        code: 'nested-service',
        file: service.serviceFile,
        line: service.line,
        message: `Service "${service.name}" (${service.serviceFile}) is inside service "${outer.name}" (${outer.serviceFile}); services cannot be nested.`,
        fix: `Move ${service.root} out of ${outer.root}, or remove one of the two service.ts files.`,
      });
      continue;
    }
    byName.set(service.name, service);
    accepted.push(service);
  }
  return accepted;
}

/** Whether `path` is `folder` or below it (workspace-relative posix paths; '.' is the root). */
export function isInside(path: string, folder: string): boolean {
  if (folder === '.' || folder === '') return true;
  return path === folder || path.startsWith(`${folder}/`);
}
