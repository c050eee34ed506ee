import { readJson, type Tree, updateJson, writeJson } from '@nx/devkit';
import { posix } from 'node:path';
import { writeClientModule } from './client-module';
import type { NormalizedSplitOptions } from './normalize-options';
import type { SplitPlan } from './plan-split';
import { writeModule } from './write-module';

/**
 * The new service's own files: `service.ts` (the source's, renamed), `client.ts` typed from the
 * modules its endpoints moved to, and, when the source service is a project of its own on
 * disk (project.json, package.json, tsconfig), the same configuration for the new one.
 */
export function createNewService(tree: Tree, options: NormalizedSplitOptions, plan: SplitPlan): void {
  // The source's service.ts under the new name: the new service runs behind the same middleware.
  const marker = plan.modules.find((module) => module.serviceMarker);
  if (marker) writeModule(tree, plan, marker);
  writeClientModule(tree, {
    directory: options.directory,
    service: options.name,
    exportName: options.clientName,
    endpointModules: plan.endpointModules,
    example: options.endpoints.find((e) => e.kind === 'typed')?.exportName ?? options.endpoints[0].exportName,
    importExtension: options.importExtension,
  });
  copyProjectConfiguration(tree, options);
}

/** Configuration files beside the source's service.ts, adapted to the new service's name and folder. */
function copyProjectConfiguration(tree: Tree, options: NormalizedSplitOptions): void {
  const { source, directory, name } = options;
  const rename = (value: string) => renameValue(value, source.name, name, source.root, directory);
  const projectJson = posix.join(source.root, 'project.json');
  if (tree.exists(projectJson)) {
    const project = readJson(tree, projectJson);
    const copy = mapStrings(project, rename);
    copy.name = name;
    if (typeof project.$schema === 'string') copy.$schema = moveRelative(project.$schema, source.root, directory);
    writeJson(tree, posix.join(directory, 'project.json'), copy);
  }
  const packageJson = posix.join(source.root, 'package.json');
  if (tree.exists(packageJson)) {
    const manifest = readJson(tree, packageJson);
    const copy = { ...mapStrings(manifest, rename), name: renamePackage(manifest.name, source.name, name) };
    if (manifest.nx?.name) copy.nx = { ...copy.nx, name };
    writeJson(tree, posix.join(directory, 'package.json'), copy);
  }
  for (const child of tree.children(source.root)) {
    if (!/^tsconfig(\..+)?\.json$/.test(child) || !tree.isFile(posix.join(source.root, child))) continue;
    const config = readJson(tree, posix.join(source.root, child));
    if (typeof config.extends === 'string') config.extends = moveRelative(config.extends, source.root, directory);
    if (Array.isArray(config.references)) {
      config.references = config.references.map((reference: { path: string }) => ({
        ...reference,
        path: moveRelative(reference.path, source.root, directory),
      }));
    }
    writeJson(tree, posix.join(directory, child), config);
    if (child === 'tsconfig.json') referenceFromRoot(tree, source.root, directory);
  }
}

/** Adds the new service to the root tsconfig.json's references when the source is referenced there. */
function referenceFromRoot(tree: Tree, sourceRoot: string, directory: string): void {
  if (!tree.exists('tsconfig.json')) return;
  const references: { path: string }[] = readJson(tree, 'tsconfig.json').references ?? [];
  const normalize = (path: string) => posix.normalize(path).replace(/\/tsconfig\.json$/, '');
  if (!references.some((r) => normalize(r.path) === sourceRoot)) return;
  if (references.some((r) => normalize(r.path) === directory)) return;
  updateJson(tree, 'tsconfig.json', (json) => {
    json.references.push({ path: `./${directory}` });
    return json;
  });
}

/** A path relative to `from`, made relative to `to` (both workspace-relative folders). */
function moveRelative(path: string, from: string, to: string): string {
  if (!path.startsWith('.')) return path;
  const target = posix.join(from, path);
  const relative = posix.relative(to, target);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

function renameValue(value: string, fromName: string, toName: string, fromRoot: string, toRoot: string): string {
  if (value === fromName) return toName;
  if (value === fromRoot) return toRoot;
  if (value.startsWith(`${fromRoot}/`)) return `${toRoot}${value.slice(fromRoot.length)}`;
  return value;
}

function renamePackage(packageName: unknown, fromName: string, toName: string): unknown {
  if (typeof packageName !== 'string') return packageName;
  if (packageName === fromName) return toName;
  const slash = packageName.lastIndexOf('/');
  return slash >= 0 && packageName.slice(slash + 1) === fromName
    ? `${packageName.slice(0, slash + 1)}${toName}`
    : `${packageName}-${toName}`;
}

function mapStrings<T>(value: T, map: (text: string) => string): T;
function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  return value;
}
