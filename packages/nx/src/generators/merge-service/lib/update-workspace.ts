import { readJson, type Tree, updateJson } from '@nx/devkit';
import { posix } from 'node:path';
import { treeHost } from '../../../analysis';
import { writeClientModule } from '../../split-service/lib/client-module';
import { editClientTypes } from '../../utils/client-types';
import type { NormalizedMergeOptions } from './normalize-options';
import type { MergePlan } from './plan-merge';

/**
 * Writes the moved and rewritten modules, moves the other files and removes the merged
 * service's folder (what came back from a shared library leaves it with updateSharedLibraries).
 */
export function moveFiles(tree: Tree, options: NormalizedMergeOptions, plan: MergePlan): void {
  for (const [file, destination] of plan.moves) {
    const text = plan.texts.get(destination);
    if (text !== undefined) tree.write(destination, text);
    else tree.write(destination, tree.read(file)!);
  }
  for (const [file, text] of plan.texts) if (!plan.moves.has(file) && ![...plan.moves.values()].includes(file)) tree.write(file, text);
  tree.delete(options.from.root);
}

/** The remaining service's client, typed from its own endpoint modules and the moved ones. */
export function updateClient(tree: Tree, options: NormalizedMergeOptions, plan: MergePlan): void {
  if (!plan.client) return;
  // The remaining client keeps its lines, and types itself from the modules it lacks.
  const clientFile = options.into.clientFile;
  if (clientFile && tree.exists(clientFile)) {
    const endpointModules = plan.client.endpointModules.filter((file) => tree.exists(file));
    const stale = new Set(plan.client.staleModules);
    if (editClientTypes(tree, clientFile, { drop: stale, add: endpointModules }, options.importExtension)) return;
  }
  writeClientModule(tree, {
    directory: options.into.root,
    service: options.into.name,
    exportName: plan.client.exportName,
    endpointModules: plan.client.endpointModules,
    example: plan.client.example,
    importExtension: options.importExtension,
  });
}

/**
 * The merged service's dependencies join the remaining service's package.json (or the
 * root's, when the remaining service has none), so what its code imports stays declared.
 */
export function mergeDependencies(tree: Tree, options: NormalizedMergeOptions): void {
  const manifest = posix.join(options.from.root, 'package.json');
  if (!tree.exists(manifest)) return;
  const merged = readJson(tree, manifest);
  const target = tree.exists(posix.join(options.into.root, 'package.json')) ? posix.join(options.into.root, 'package.json') : 'package.json';
  if (!tree.exists(target)) return;
  updateJson(tree, target, (json) => {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, version] of Object.entries<string>(merged[field] ?? {})) {
        if (name === json.name) continue;
        const declared = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((f) => json[f]?.[name] !== undefined);
        if (!declared) json[field] = { ...json[field], [name]: version };
      }
    }
    return json;
  });
}

/**
 * Project references to the merged service's folder (in a workspace kept by `nx sync`) point
 * to the remaining service's folder instead, or go when that one is referenced already, so
 * `nx sync:check` passes.
 */
export function updateReferences(tree: Tree, options: NormalizedMergeOptions): void {
  const { from, into } = options;
  const intoHasConfig = tree.exists(posix.join(into.root, 'tsconfig.json'));
  const configs = treeHost(tree)
    .list()
    .filter((file) => /^tsconfig(\..+)?\.json$/.test(posix.basename(file)));
  for (const config of configs) {
    const references: { path: string }[] | undefined = readJson(tree, config).references;
    if (!Array.isArray(references)) continue;
    const folder = posix.dirname(config);
    const pointsTo = (reference: { path: string }, root: string) => {
      const target = posix.normalize(posix.join(folder, reference.path)).replace(/\/tsconfig(\..+)?\.json$/, '');
      return target === root;
    };
    if (!references.some((reference) => pointsTo(reference, from.root))) continue;
    updateJson(tree, config, (json) => {
      const keepsInto = !intoHasConfig || json.references.some((reference: { path: string }) => pointsTo(reference, into.root)) || posix.normalize(folder) === into.root;
      json.references = json.references.flatMap((reference: { path: string }) => {
        if (!pointsTo(reference, from.root)) return [reference];
        if (keepsInto) return [];
        const relative = posix.relative(folder, into.root) || '.';
        return [{ ...reference, path: relative.startsWith('.') ? relative : `./${relative}` }];
      });
      return json;
    });
  }
}

/** Each app's topo.json forgets the merged service: its name leaves explicit lists and process groups; an emptied group goes. */
export function updateAppConfig(tree: Tree, options: NormalizedMergeOptions): void {
  const name = options.from.name;
  for (const app of options.apps) {
    const grouped = Object.values(app.config.topologies).some((groups) => groups.some((group) => group.includes(name)));
    if (!(Array.isArray(app.config.services) && app.config.services.includes(name)) && !grouped) continue;
    updateJson(tree, app.config.file, (json) => {
      if (Array.isArray(json.services)) json.services = json.services.filter((service: string) => service !== name);
      for (const [topology, groups] of Object.entries<string[][]>(json.topologies ?? {})) {
        json.topologies[topology] = groups.map((group) => group.filter((service) => service !== name)).filter((group) => group.length > 0);
      }
      return json;
    });
  }
}
