import {
  type CreateDependencies,
  type CreateDependenciesContext,
  type CreateNodesContext,
  type CreateNodesResult,
  type CreateNodesV2,
  createNodesFromFiles,
  DependencyType,
  hashArray,
  type ProjectConfiguration,
  type RawProjectGraphDependency,
  type TargetConfiguration,
} from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import {
  analyzeWorkspace,
  APP_CONFIG_FILE,
  appProjectName,
  findServices,
  type FoundServices,
  formatAnalysisErrors,
  isInside,
  parseAppConfig,
  resolveAppServices,
  SERVICE_FILE,
} from '../analysis';
import { deployName } from '../deploy/names';
import { readPluginCache, workspaceDataDirectory, writePluginCache } from './cache';

/** Options of the plugin in nx.json: `{ "plugin": "@topo/nx", "options": { ... } }`. */
export interface TopoPluginOptions {
  /** Name of the app target that runs it; default `serve`. */
  serveTargetName?: string;
  /** Name of the app's and each service's build target; default `build`. */
  buildTargetName?: string;
  /** Name of each service's image target; default `container`. */
  containerTargetName?: string;
}

type NormalizedOptions = Required<TopoPluginOptions>;

/** Tags that mark the projects Topo infers. */
export const SERVICE_TAG = 'topo:service';
export const APP_TAG = 'topo:app';

/** What the plugin remembers about one topo.json: its project, or why there is none. */
type AppNodeResult = { project: ProjectConfiguration } | { error: string };

const TECHNOLOGIES = ['topo'];

/**
 * Infers a project per service (every `service.ts` that default-exports `new Service(...)`,
 * tagged `topo:service`) and per app (every folder with a `topo.json`, tagged `topo:app`,
 * with a `serve` target). Results are cached in the workspace data directory by the
 * hash of the files and options they come from.
 *
 * @example
 * // nx.json
 * { "plugins": [{ "plugin": "@topo/nx", "options": { "serveTargetName": "serve" } }] }
 */
export const createNodesV2: CreateNodesV2<TopoPluginOptions> = [
  `**/{${SERVICE_FILE},${APP_CONFIG_FILE}}`,
  async (files, rawOptions, context) => {
    const options = normalizeOptions(rawOptions);
    const optionsHash = hashArray([JSON.stringify(options)]);
    const cachePath = join(workspaceDataDirectory(context.workspaceRoot), `topo-nodes-${optionsHash}.hash`);
    const cache = readPluginCache<AppNodeResult>(cachePath);
    const results: Record<string, AppNodeResult> = {};
    const serviceFiles = files.filter((file) => basename(file) === SERVICE_FILE);
    try {
      const found = findServices(context.workspaceRoot, { files: serviceFiles, cache: cache.facts });
      const appFiles = new Map(files.filter((file) => basename(file) === APP_CONFIG_FILE).map((file) => [file, readAppFiles(file, context.workspaceRoot)]));
      const apps = appsOfServices([...appFiles.values()], found, context.workspaceRoot);
      return await createNodesFromFiles(
        (file, _options, ctx) =>
          basename(file) === APP_CONFIG_FILE
            ? createAppNode(appFiles.get(file)!, options, optionsHash, ctx, cache.results, results)
            : createServiceNode(file, found, apps, options),
        files,
        options,
        context,
      );
    } finally {
      writePluginCache(cachePath, cache.facts, new Set(serviceFiles), results);
    }
  },
];

/** The same function under the name newer Nx versions look for first. */
export const createNodes = createNodesV2;

function normalizeOptions(options: TopoPluginOptions | undefined): NormalizedOptions {
  return {
    serveTargetName: options?.serveTargetName ?? 'serve',
    buildTargetName: options?.buildTargetName ?? 'build',
    containerTargetName: options?.containerTargetName ?? 'container',
  };
}

/**
 * The app whose build builds each service: the first app (by folder) whose topo.json serves
 * it, below its folder with `"services": "*"` or by name in a list.
 */
function appsOfServices(apps: readonly AppFiles[], found: FoundServices, workspaceRoot: string): Map<string, string> {
  const servedBy = new Map<string, string>();
  for (const app of [...apps].sort((a, b) => a.file.localeCompare(b.file))) {
    const { config } = parseAppConfig(app.file, app.text);
    if (!config) continue;
    const name = appProjectName(app.root, app, workspaceRoot);
    for (const service of found.services) {
      const serves = config.services === '*' ? isInside(service.root, config.root) : config.services.includes(service.name);
      if (serves && !servedBy.has(service.name)) servedBy.set(service.name, name);
    }
  }
  return servedBy;
}

function createServiceNode(file: string, found: FoundServices, apps: ReadonlyMap<string, string>, options: NormalizedOptions): CreateNodesResult {
  const service = found.services.find((s) => s.serviceFile === file);
  if (!service) {
    const errors = found.errors.filter((e) => e.file === file);
    // A service.ts that does not use the runtime is not Topo's.
    if (errors.length === 0) return {};
    throw new Error(formatAnalysisErrors(errors));
  }
  return {
    projects: {
      [service.root]: {
        name: service.name,
        projectType: 'library',
        tags: [SERVICE_TAG],
        metadata: { technologies: TECHNOLOGIES, description: `Topo service "${service.name}".` },
        targets: serviceTargets(service.name, apps.get(service.name), options),
      },
    },
  };
}

/**
 * A service's `build` (its bundle alone, as micro runs it) and `container` (its image), both
 * cached per service: inputs are the service's files and those of the projects it depends
 * on. None when no app serves it.
 */
function serviceTargets(service: string, app: string | undefined, options: NormalizedOptions): Record<string, TargetConfiguration> {
  if (!app) return {};
  const output = `{workspaceRoot}/dist/${app}/services/${deployName(service)}`;
  const inputs = ['default', '^default'];
  return {
    [options.buildTargetName]: {
      executor: '@topo/nx:build-service',
      options: { app },
      cache: true,
      inputs,
      outputs: [output],
      metadata: { technologies: TECHNOLOGIES, description: `Bundles service ${service} alone, as micro runs it, into dist/${app}/services/.` },
    },
    [options.containerTargetName]: {
      executor: '@topo/nx:container',
      options: { app },
      cache: true,
      inputs,
      dependsOn: [{ target: options.buildTargetName, params: 'forward' }],
      outputs: [`${output}/image.json`],
      metadata: { technologies: TECHNOLOGIES, description: `Builds the image ${app}-${deployName(service)} with podman or docker.` },
    },
  };
}

/** An app's topo.json and the manifests its project name may come from, read once per run. */
interface AppFiles {
  file: string;
  root: string;
  text: string;
  projectJson: string | undefined;
  packageJson: string | undefined;
}

function readAppFiles(file: string, workspaceRoot: string): AppFiles {
  const root = posix.dirname(file);
  const read = (path: string) => readText(join(workspaceRoot, root, path));
  // The name comes from project.json or package.json when the app has one.
  return { file, root, text: read(APP_CONFIG_FILE) ?? '', projectJson: read('project.json'), packageJson: read('package.json') };
}

function createAppNode(
  app: AppFiles,
  options: NormalizedOptions,
  optionsHash: string,
  context: CreateNodesContext,
  cached: Record<string, AppNodeResult>,
  results: Record<string, AppNodeResult>,
): CreateNodesResult {
  const { file, root, text, projectJson, packageJson } = app;
  const hash = hashArray([file, text, projectJson ?? '', packageJson ?? '', optionsHash]);
  const result = (results[hash] =
    cached[hash] ?? appNodeResult(file, root, text, projectJson, packageJson, options, context.workspaceRoot));
  if ('error' in result) throw new Error(result.error);
  return { projects: { [root]: result.project } };
}

function appNodeResult(
  file: string,
  root: string,
  text: string,
  projectJson: string | undefined,
  packageJson: string | undefined,
  options: NormalizedOptions,
  workspaceRoot: string,
): AppNodeResult {
  const { errors } = parseAppConfig(file, text);
  if (errors.length) return { error: formatAnalysisErrors(errors) };
  const serve: TargetConfiguration = {
    executor: '@topo/nx:serve',
    options: {},
    continuous: true,
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Runs the app's services, in the topology of --topology or --env (default mono), on the port of ${APP_CONFIG_FILE}.`,
    },
  };
  const build: TargetConfiguration = {
    executor: '@topo/nx:build',
    options: {},
    // Each service's image is a task of its own, cached by Nx; the app's build assembles them.
    dependsOn: [{ target: options.containerTargetName, dependencies: true, params: 'forward' }],
    cache: false,
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Builds the app for the topology of --topology or --env (default mono): dist/<app>/mono, or images, docker-compose.yml and Kubernetes manifests.`,
    },
  };
  return {
    project: {
      root,
      name: appProjectName(root, { projectJson, packageJson }, workspaceRoot),
      projectType: 'application',
      tags: [APP_TAG],
      metadata: { technologies: TECHNOLOGIES },
      targets: { [options.serveTargetName]: serve, [options.buildTargetName]: build },
    },
  };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf-8');
  } catch {
    return undefined;
  }
}

/**
 * Adds the edges the analysis sees:
 * - a service depends on each service whose client it calls: a static edge from the
 *   calling file, which Nx checks belongs to the calling service;
 * - an app depends on each of its services. That edge is implicit, with no source file:
 *   Nx reuses a file's edges for as long as the file is unchanged, and with
 *   `"services": "*"` a new service joins the app without its topo.json changing.
 *
 * @example
 * // apps/api/services/yo/yo.ts: `await hello.h1({ name })` gives yo -> hello, sourceFile yo.ts
 */
export const createDependencies: CreateDependencies<TopoPluginOptions> = (_options, context) => {
  const cachePath = join(workspaceDataDirectory(context.workspaceRoot), 'topo-dependencies.hash');
  const cache = readPluginCache<never>(cachePath);
  const owners = fileOwners(context);
  try {
    const { services, libraryCalls } = analyzeWorkspace(context.workspaceRoot, { files: [...owners.keys()], cache: cache.facts });
    const projectAt = new Map(Object.entries(context.projects).map(([name, project]) => [project.root, name]));
    const dependencies = new Map<string, RawProjectGraphDependency>();
    for (const [name, project] of Object.entries(context.projects)) {
      if (!project.tags?.includes(APP_TAG)) continue;
      const file = posix.join(project.root, APP_CONFIG_FILE);
      const { config } = parseAppConfig(file, readText(join(context.workspaceRoot, file)) ?? '');
      if (!config) continue;
      for (const service of resolveAppServices(config, services).services) {
        const target = projectAt.get(service.root);
        if (target && target !== name) {
          dependencies.set(`${name}\0${target}`, { source: name, target, type: DependencyType.implicit });
        }
      }
    }
    const serviceProject = new Map(services.map((s) => [s.name, projectAt.get(s.root)]));
    const addStatic = (source: string | undefined, target: string | undefined, sourceFile: string) => {
      if (!source || !target || source === target) return;
      dependencies.set(`${source}\0${target}\0${sourceFile}`, { source, target, sourceFile, type: DependencyType.static });
    };
    // A call through a client, from a service or from a library (a split's shared library).
    for (const call of [...services.flatMap((s) => s.calls), ...libraryCalls]) {
      addStatic(owners.get(call.file), serviceProject.get(call.to), call.file);
    }
    // A service importing code of another project (a shared library): Nx's own import
    // analysis is not there in every workspace, and without the edge `nx affected` misses it.
    for (const service of services) {
      for (const imported of service.imports) {
        if (!imported.resolvedFile || imported.typeOnly) continue;
        const target = owners.get(imported.resolvedFile);
        // The app holds its services: an edge back to it would only draw a cycle.
        if (target && !context.projects[target]?.tags?.includes(APP_TAG)) addStatic(owners.get(imported.file), target, imported.file);
      }
    }
    return [...dependencies.values()];
  } finally {
    writePluginCache(cachePath, cache.facts, new Set(owners.keys()), {});
  }
};

/** Every file of the workspace, mapped to the project it belongs to ('' for none). */
function fileOwners(context: CreateDependenciesContext): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [project, files] of Object.entries(context.fileMap.projectFileMap)) {
    for (const { file } of files) owners.set(file, project);
  }
  for (const { file } of context.fileMap.nonProjectFiles) owners.set(file, '');
  return owners;
}
