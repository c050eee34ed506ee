import type { Tree } from '@nx/devkit';
import { createModuleResolver, readFileFacts, treeHost } from '../../../analysis';
import { editClientTypes } from '../../utils/client-types';
import { writeClientModule } from './client-module';
import type { NormalizedSplitOptions } from './normalize-options';
import type { SplitPlan } from './plan-split';
import { writeModule } from './write-module';

/**
 * Rewrites what stays in the source service: moved statements removed (a file left with
 * nothing is deleted), direct calls of moved endpoints turned into calls through the new
 * service's client, imports of shared declarations pointed at the shared library. Its
 * client module is rewritten when a module it types itself from is gone or holds no
 * endpoint any more, and created when moved code now calls the source through it.
 */
export function updateSourceService(tree: Tree, options: NormalizedSplitOptions, plan: SplitPlan): void {
  for (const module of plan.modules) {
    if (module.owner === 'source' && !module.test) writeModule(tree, plan, module);
  }
  updateSourceClient(tree, options, plan);
}

function updateSourceClient(tree: Tree, options: NormalizedSplitOptions, plan: SplitPlan): void {
  const { source } = options;
  const remaining = [...new Set(source.endpoints.filter((e) => !options.endpoints.includes(e)).map((e) => e.file))].sort();
  const client = plan.clients.source;
  const example = source.endpoints.find((e) => !options.endpoints.includes(e) && e.kind === 'typed')?.exportName ?? 'endpoint';
  const write = (endpointModules: readonly string[]) =>
    writeClientModule(tree, {
      directory: source.root,
      service: source.name,
      exportName: client.exportName,
      endpointModules,
      example,
      importExtension: options.importExtension,
    });
  if (!source.clientFile) {
    if (client.needed) write(remaining);
    return;
  }
  const text = tree.read(source.clientFile, 'utf-8') ?? '';
  const resolver = createModuleResolver(treeHost(tree));
  const movedOut = new Set(options.endpoints.map((e) => e.file).filter((file) => !remaining.includes(file)));
  const imported = readFileFacts(source.clientFile, text)
    .imports.filter((i) => i.namespaceName)
    .map((i) => resolver.resolve(source.clientFile!, i.specifier));
  const stale = imported.filter((file) => file === undefined || plan.deleted.has(file) || movedOut.has(file));
  if (stale.length === 0) return;
  const kept = imported.filter((file): file is string => file !== undefined && !stale.includes(file));
  // Only the lines of the modules that left change; a client it cannot read is written anew.
  const drop = new Set(stale.filter((file): file is string => file !== undefined));
  const edited = editClientTypes(tree, source.clientFile, { drop, add: kept.length ? [] : remaining }, options.importExtension);
  if (!edited) write(kept.length ? kept : remaining);
}
