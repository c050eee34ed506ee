import { generateFiles, type Tree } from '@nx/devkit';
import { templatesOf } from '../../utils/package-files';
import type { NormalizedServiceOptions } from './normalize-options';

/** service.ts, the example endpoint and its spec, and the client module. */
export function createServiceFiles(tree: Tree, options: NormalizedServiceOptions): void {
  generateFiles(tree, templatesOf('service'), options.directory, {
    name: options.name,
    fileName: options.fileName,
    clientName: options.clientName,
    importExtension: options.importExtension,
    testRunnerImport: options.testRunnerImport,
    tmpl: '',
  });
}
