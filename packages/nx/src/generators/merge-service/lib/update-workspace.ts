import { readJson, type Tree, updateJson } from '@nx/devkit';
import { posix } from 'node:path';
import { treeHost } from '../../../analysis';
import { writeClientModule } from '../../split-service/lib/client-module';
import { editClientTypes } from '../../utils/client-types';
import { removeJsonArrayElement, replaceJsonValue } from '../../utils/json-edits';
import { untypedEndpointModules } from './client-modules';
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

/**
 * The remaining service's client, typed from its own endpoint modules and the moved ones:
 * it keeps its lines, and types itself from the modules whose endpoints none of its modules
 * exports yet. Written anew when the remaining service has none and callers of the merged
 * one need it.
 */
export function updateClient(tree: Tree, options: NormalizedMergeOptions, plan: MergePlan): void {
  if (!plan.client) return;
  const clientFile = options.into.clientFile;
  if (clientFile && tree.exists(clientFile)) {
    const lacking = untypedEndpointModules(tree, clientFile, plan.client.endpoints.filter((endpoint) => tree.exists(endpoint.module)));
    const stale = new Set(plan.client.staleModules);
    if (editClientTypes(tree, clientFile, { drop: stale, add: lacking }, options.importExtension)) return;
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
  const FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
  const current = readJson(tree, target);
  const missing = FIELDS.flatMap((field) =>
    Object.entries<string>(merged[field] ?? {})
      .filter(([name]) => name !== current.name && !FIELDS.some((f) => current[f]?.[name] !== undefined))
      .map(([name, version]) => ({ field, name, version })),
  );
  // A manifest that declares everything already is left as written.
  if (missing.length === 0) return;
  updateJson(tree, target, (json) => {
    for (const { field, name, version } of missing) json[field] = { ...json[field], [name]: version };
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
    const stale = references.map((reference, index) => ({ reference, index })).filter(({ reference }) => pointsTo(reference, from.root));
    if (stale.length === 0) continue;
    // Only those elements change: the file keeps its layout.
    let text = tree.read(config, 'utf-8')!;
    const keepsInto = !intoHasConfig || references.some((reference) => pointsTo(reference, into.root)) || posix.normalize(folder) === into.root;
    const [first, ...others] = stale;
    if (!keepsInto) {
      const relative = posix.relative(folder, into.root) || '.';
      text = replaceJsonValue(text, ['references', first.index, 'path'], relative.startsWith('.') ? relative : `./${relative}`);
    }
    for (const { index } of (keepsInto ? stale : others).reverse()) text = removeJsonArrayElement(text, ['references', index]);
    tree.write(config, text);
  }
}

/**
 * Each app's topo.json forgets the merged service: its name leaves explicit lists and process
 * groups; an emptied group goes. Only those elements change: the file keeps its layout.
 */
export function updateAppConfig(tree: Tree, options: NormalizedMergeOptions): void {
  const name = options.from.name;
  for (const app of options.apps) {
    let text = tree.read(app.config.file, 'utf-8');
    if (text === null) continue;
    const before = text;
    if (Array.isArray(app.config.services)) {
      const index = app.config.services.indexOf(name);
      if (index >= 0) text = removeJsonArrayElement(text, ['services', index]);
    }
    for (const [topology, groups] of Object.entries(app.config.topologies)) {
      // From the last group up, so that each path still names what it named.
      for (let g = groups.length - 1; g >= 0; g--) {
        const index = groups[g].indexOf(name);
        if (index < 0) continue;
        text = groups[g].length === 1 ? removeJsonArrayElement(text, ['topologies', topology, g]) : removeJsonArrayElement(text, ['topologies', topology, g, index]);
      }
    }
    if (text !== before) tree.write(app.config.file, text);
  }
}
