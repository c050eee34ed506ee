import { generateFiles, names, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { freshName } from '../../utils/identifiers';
import { templatesOf } from '../../utils/package-files';
import { moduleSpecifier } from '../../utils/specifiers';

/** A service's client module to write: who, and which endpoint modules it types itself from. */
export interface ClientModuleFiles {
  /** Folder of the service. */
  directory: string;
  service: string;
  /** The name the client is exported as. */
  exportName: string;
  /** Workspace-relative modules that declare the service's endpoints. */
  endpointModules: readonly string[];
  /** An endpoint to show in the doc comment. */
  example: string;
  importExtension: '' | '.js';
}

/**
 * Writes `client.ts` as the service generator writes it: the endpoint modules imported
 * type-only (so a caller never bundles the service's code), their types intersected when
 * there are several.
 *
 * @example
 * writeClientModule(tree, { directory: 'apps/api/services/yo', service: 'yo', exportName: 'yo', endpointModules: ['apps/api/services/yo/yo.ts'], example: 'h2', importExtension: '' });
 */
export function writeClientModule(tree: Tree, client: ClientModuleFiles): void {
  const file = posix.join(client.directory, 'client.ts');
  const taken = new Set(['client', client.exportName]);
  const endpointModules = client.endpointModules.map((module) => {
    const base =
      client.endpointModules.length === 1 ? 'endpoints' : `${names(posix.basename(module).replace(/\.tsx?$/, '')).propertyName}Endpoints`;
    return { alias: freshName(base, taken), specifier: moduleSpecifier(file, module, client.importExtension) };
  });
  generateFiles(tree, templatesOf('split-service', 'client'), client.directory, {
    name: client.service,
    clientName: client.exportName,
    endpointModules,
    example: client.example,
    tmpl: '',
  });
}
