import { formatFiles, type GeneratorCallback, getProjects, logger, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { APP_CONFIG_FILE, findServices, isValidServiceName, treeHost } from '../../analysis';
import { topoVersion } from '../utils/package-files';
import { addDependencies } from './lib/add-dependencies';
import { createApp, type NewApp } from './lib/create-app';
import { registerPlugin } from './lib/register-plugin';
import { findRuntimeSource, type RuntimeSource } from './lib/runtime-source';
import { detectTestRunner, setUpTestRunner, type TestRunner, testRunnerPackages, workspaceNxVersion } from './lib/test-runner';
import type { InitGeneratorSchema } from './schema';

interface NormalizedOptions {
  /** The app to create; absent when the workspace has one and none was asked for. */
  app?: NewApp;
  /** Apps (folders with topo.json) the workspace already has. */
  existingApps: string[];
  /** The version of this plugin, which @topo/runtime must have too. */
  version: string;
  /** Where @topo/runtime comes from; absent with --skipPackageJson. */
  runtime?: RuntimeSource;
  testRunner?: TestRunner;
  skipFormat: boolean;
}

/**
 * `nx g @topo/nx:init`: registers the plugin, adds the dependencies and a test runner, and
 * creates an app when the workspace has none. Running it again changes nothing. When
 * `@topo/runtime` could not be installed, it refuses before writing anything.
 *
 * @example
 * nx g @topo/nx:init --app=shop
 */
export async function initGenerator(tree: Tree, schema: InitGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, schema);
  if (options.app) checkApp(tree, options.app);
  registerPlugin(tree);
  if (options.app) createApp(tree, options.app);
  if (options.testRunner) {
    for (const directory of options.app ? [options.app.directory] : options.existingApps) {
      setUpTestRunner(tree, options.testRunner, directory, options.app?.name ?? posix.basename(directory));
    }
  }
  const runnerPackages = options.testRunner ? testRunnerPackages(options.testRunner, workspaceNxVersion(tree)) : {};
  const installTask = options.runtime ? addDependencies(tree, options.runtime, options.version, runnerPackages) : () => undefined;
  if (!options.skipFormat) await formatFiles(tree);
  if (options.app) {
    logger.info(`Created app "${options.app.name}" in ${options.app.directory}. Add a service: nx g @topo/nx:service <name>`);
  } else {
    logger.info(`Found the app in ${options.existingApps.join(', ')}; no app created.`);
  }
  return installTask;
}

export default initGenerator;

function normalizeOptions(tree: Tree, schema: InitGeneratorSchema): NormalizedOptions {
  const existingApps = treeHost(tree)
    .list()
    .filter((file) => posix.basename(file) === APP_CONFIG_FILE)
    .map((file) => posix.dirname(file));
  const asked = schema.app !== undefined || schema.directory !== undefined;
  const version = topoVersion();
  const runtime = schema.skipPackageJson ? undefined : findRuntimeSource(tree, version, schema.keepExistingVersions ?? false);
  const testRunner = schema.testRunner === 'none' ? undefined : (schema.testRunner ?? detectTestRunner(tree));
  const common = { existingApps, version, runtime, testRunner, skipFormat: schema.skipFormat ?? false };
  if (existingApps.length > 0 && !asked) return common;
  const name = schema.app ?? 'api';
  const directory = schema.directory
    ? posix.normalize(schema.directory.replace(/\\/g, '/')).replace(/^\.\/|\/$/g, '')
    : `${tree.exists('apps') ? 'apps' : 'packages'}/${name}`;
  return { ...common, app: { name, directory, port: schema.port ?? 4000 } };
}

function checkApp(tree: Tree, app: NewApp): void {
  if (!isValidServiceName(app.name)) {
    throw new Error(`App name "${app.name}" is not kebab-case. Pass --app with lower-case letters, digits and dashes, such as --app=api.`);
  }
  if (app.directory === '.' || app.directory === '' || app.directory.startsWith('..')) {
    throw new Error(`--directory=${app.directory} is not a folder inside the workspace. Pass one such as --directory=apps/${app.name}.`);
  }
  if (tree.exists(app.directory) && tree.children(app.directory).length > 0) {
    throw new Error(`${app.directory} already exists. Pass --directory to create the app in a new folder, or --app to name it differently.`);
  }
  const service = findServices(tree.root, { host: treeHost(tree) }).services.find((s) => s.name === app.name);
  if (service) {
    throw new Error(`Service "${app.name}" (${service.serviceFile}) already has that name. Pass --app to name the Topo app differently.`);
  }
  for (const [name, project] of getProjects(tree)) {
    if (name === app.name) {
      throw new Error(`Project "${app.name}" already exists (${project.root}). Pass --app to name the Topo app differently.`);
    }
  }
}
