import { addDependenciesToPackageJson, type GeneratorCallback, installPackagesTask, logger, readJson, type Tree, updateJson } from '@nx/devkit';
import { PLUGIN_PACKAGE, RUNTIME_PACKAGE, type RuntimeSource } from './runtime-source';

/**
 * Adds `@topo/runtime` (imported by service code) from where `findRuntimeSource` found it,
 * `@topo/nx` when package.json does not list it yet, and the test runner's packages (a
 * version the workspace has already is kept); returns the install task, which installs
 * only when package.json changed.
 */
export function addDependencies(tree: Tree, runtime: RuntimeSource, version: string, devPackages: Record<string, string>): GeneratorCallback {
  if (runtime.kind === 'add') {
    updateJson(tree, 'package.json', (json) => {
      if (json.devDependencies?.[RUNTIME_PACKAGE] !== undefined) json.devDependencies[RUNTIME_PACKAGE] = runtime.spec;
      else json.dependencies = { ...json.dependencies, [RUNTIME_PACKAGE]: runtime.spec };
      return json;
    });
  } else if (runtime.kind === 'installed') {
    logger.info(`${RUNTIME_PACKAGE} is installed (${runtime.path}) as a dependency of ${PLUGIN_PACKAGE}; package.json does not list it.`);
  }
  const { devDependencies = {}, dependencies = {} } = readJson(tree, 'package.json');
  const plugin: Record<string, string> = PLUGIN_PACKAGE in devDependencies || PLUGIN_PACKAGE in dependencies ? {} : { [PLUGIN_PACKAGE]: version };
  addDependenciesToPackageJson(tree, {}, { ...plugin, ...devPackages }, undefined, true);
  return () => installPackagesTask(tree);
}
