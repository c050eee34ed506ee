import { names, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import {
  APP_CONFIG_FILE,
  type AppConfig,
  appProjectName,
  formatAnalysisErrors,
  isValidServiceName,
  parseAppConfig,
  type SourceHost,
  treeHost,
} from '../../../analysis';
import { isEsmFolder, normalizePath, testRunnerImport } from '../../utils/workspace';
import type { ServiceGeneratorSchema } from '../schema';

/** An app of the workspace: a folder with a topo.json. */
export interface AppLocation {
  /** Nx project name. */
  name: string;
  root: string;
}

export interface NormalizedServiceOptions {
  /** Service name, kebab-case. */
  name: string;
  /** Module of the example endpoint, without extension. */
  fileName: string;
  /** The client module's export: `hello`, `userProfile`. */
  clientName: string;
  /** Workspace-relative folder of the new service. */
  directory: string;
  app: AppLocation & { config: AppConfig };
  /** `.js` in ESM packages, where relative imports name the emitted file. */
  importExtension: '' | '.js';
  /** The import a spec needs for its test functions, if any (vitest). */
  testRunnerImport?: string;
  skipFormat: boolean;
}

/** Reads the options once, up front: the app, the folder, the names to write. */
export function normalizeOptions(tree: Tree, schema: ServiceGeneratorSchema): NormalizedServiceOptions {
  const name = schema.name?.trim() ?? '';
  if (!isValidServiceName(name)) {
    throw new Error(
      `Service name "${name}" is not kebab-case. Use lower-case letters, digits and dashes, starting with a letter, such as "billing" or "user-profile".`,
    );
  }
  const host = treeHost(tree);
  const app = selectApp(host, findApps(tree, host), schema.app);
  const { config, errors } = parseAppConfig(posix.join(app.root, APP_CONFIG_FILE), host.read(posix.join(app.root, APP_CONFIG_FILE)) ?? '');
  if (!config) throw new Error(`The app's topo.json has problems; fix them first.\n\n${formatAnalysisErrors(errors)}`);
  const directory = schema.directory ? normalizePath(schema.directory) : posix.join(app.root, 'services', name);
  return {
    name,
    fileName: name,
    clientName: names(name).propertyName,
    directory,
    app: { ...app, config },
    importExtension: isEsmFolder(host, directory) ? '.js' : '',
    testRunnerImport: testRunnerImport(tree),
    skipFormat: schema.skipFormat ?? false,
  };
}

/** Every app of the workspace, by the name Nx gives its project. */
export function findApps(tree: Tree, host: SourceHost = treeHost(tree)): AppLocation[] {
  return host
    .list()
    .filter((file) => posix.basename(file) === APP_CONFIG_FILE)
    .map((file) => {
      const root = posix.dirname(file);
      const manifests = {
        projectJson: host.read(posix.join(root, 'project.json')),
        packageJson: host.read(posix.join(root, 'package.json')),
      };
      return { root, name: appProjectName(root, manifests, tree.root) };
    })
    .sort((a, b) => a.root.localeCompare(b.root));
}

function selectApp(host: SourceHost, apps: AppLocation[], wanted: string | undefined): AppLocation {
  const listed = apps.map((app) => `${app.name} (${app.root})`).join(', ');
  if (wanted !== undefined) {
    const folder = normalizePath(wanted);
    const app =
      apps.find((a) => a.name === wanted) ?? apps.find((a) => a.root === folder) ?? apps.find((a) => posix.basename(a.root) === wanted);
    if (!app) {
      throw new Error(
        apps.length
          ? `There is no app "${wanted}". Pass --app with one of: ${listed}.`
          : `There is no app "${wanted}": the workspace has no topo.json. Create an app with \`nx g @topo/nx:init\`.`,
      );
    }
    return app;
  }
  if (apps.length === 0) {
    throw new Error('The workspace has no app (a folder with a topo.json). Create one with `nx g @topo/nx:init`, then add the service.');
  }
  if (apps.length > 1) throw new Error(`The workspace has several apps: ${listed}. Pass --app=<name> to choose one.`);
  return apps[0];
}
