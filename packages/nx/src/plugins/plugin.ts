import type {
  AggregateCreateNodesError,
  CreateDependencies,
  CreateDependenciesContext,
  CreateNodesResult,
  CreateNodesResultV2,
  CreateNodesV2,
  DependencyType,
  ProjectConfiguration,
  RawProjectGraphDependency,
  TargetConfiguration,
} from '@nx/devkit';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import {
  type AnalysisError,
  analyzeApp,
  analyzeWorkspace,
  APP_CONFIG_FILE,
  type AppConfig,
  type DatabaseInfo,
  type FileFactsCache,
  appProjectName,
  findServices,
  formatAnalysisErrors,
  isInside,
  parseAppConfig,
  resolveAppServices,
  resolveTopology,
  SERVICE_FILE,
  type ServiceInfo,
  type SourceHost,
  type WorkspaceAnalysis,
} from '../analysis';
import { ENGINE_IDENTITY_COMMAND } from '../deploy/engine';
import { deployName } from '../deploy/names';
import { readCachedResult, readPluginCache, workspaceDataDirectory, writeCachedResult, writePluginCache } from './cache';
import { codeSignature, recordingHost, type RecordedInputs } from './inputs';
import { RUNNER_CONFIG_FILES, runnerConfigLookup, type RunnerConfigLookup, serviceTestTarget } from './test-target';

/** Options of the plugin in nx.json: `{ "plugin": "@topo/nx", "options": { ... } }`. */
export interface TopoPluginOptions {
  /** Name of the app target that runs it; default `serve`. */
  serveTargetName?: string;
  /** Name of the app's and each service's build target; default `build`. */
  buildTargetName?: string;
  /** Name of each service's image target; default `container`. */
  containerTargetName?: string;
  /** Name of the app's catalog target; default `catalog`. */
  catalogTargetName?: string;
  /** Name of each service's test target (its specs, by the nearest jest or vitest config); default `test`. */
  testTargetName?: string;
}

type NormalizedOptions = Required<TopoPluginOptions>;

/** Tags that mark the projects Topo infers. */
export const SERVICE_TAG = 'topo:service';
export const APP_TAG = 'topo:app';

const TECHNOLOGIES = ['topo'];

/**
 * Infers a project per service (every `service.ts` that default-exports `new Service(...)`,
 * tagged `topo:service`) and per app (every folder with a `topo.json`, tagged `topo:app`,
 * with `serve` and `build` targets). The services' files are read by the static analysis,
 * whose syntax facts are cached in the workspace data directory by a hash of each file's
 * content. Every problem it finds is reported against the service.ts or topo.json it
 * belongs to, with the file, line and fix, while every project it could infer stays in
 * the graph: `nx graph` shows the problems beside the graph.
 *
 * @example
 * // nx.json
 * { "plugins": [{ "plugin": "@topo/nx", "options": { "serveTargetName": "serve" } }] }
 */
export const createNodesV2: CreateNodesV2<TopoPluginOptions> = [
  `**/{${SERVICE_FILE},${APP_CONFIG_FILE}}`,
  async (files, rawOptions, context) => {
    const options = normalizeOptions(rawOptions);
    const dataDirectory = workspaceDataDirectory(context.workspaceRoot);
    const optionsHash = hashOf([JSON.stringify(options)]);
    const resultPath = join(dataDirectory, `topo-result-nodes-${optionsHash}.json`);
    const key = hashOf([codeSignature(), ...files]);
    let nodes = readCachedResult<InferredNodes>(resultPath, key, context.workspaceRoot);
    if (!nodes) {
      const inferred = inferNodes(files, options, context.workspaceRoot, join(dataDirectory, `topo-nodes-${optionsHash}.hash`));
      writeCachedResult(resultPath, key, inferred.inputs, inferred.nodes);
      nodes = inferred.nodes;
    }
    if (nodes.errors.length) throw aggregateError(nodes.errors.map(([file, message]) => [file, problemsError(message)]), nodes.results);
    return nodes.results;
  },
];

/**
 * The syntax facts createNodesV2 last read in this process. Nx asks createDependencies
 * next, in the same plugin worker: after `nx reset` it would otherwise parse every service
 * file a second time. Facts are checked by content hash wherever they come from.
 */
let factsOfLastRun: FileFactsCache = new Map();

/** What createNodesV2 answers, kept whole between runs: the projects, and each file's problems as Nx prints them. */
interface InferredNodes {
  results: CreateNodesResultV2;
  errors: [file: string, message: string][];
}

/**
 * Reads the services and apps of `files`, through a host that records every file and
 * folder it looks at: the result stands while they are unchanged, so a run in which no
 * service changed reads only their stats. The analysis keeps each file's syntax facts in
 * `factsPath` by a hash of its content, so a run after an edit parses only what changed.
 */
function inferNodes(files: readonly string[], options: NormalizedOptions, workspaceRoot: string, factsPath: string): { nodes: InferredNodes; inputs: RecordedInputs } {
  const cache = readPluginCache(factsPath);
  factsOfLastRun = cache.facts;
  const { host, note, noteLookup, inputs } = recordingHost(workspaceRoot, RUNNER_CONFIG_FILES);
  const serviceFiles = files.filter((file) => basename(file) === SERVICE_FILE);
  const read = new Set(serviceFiles);
  const nodes: InferredNodes = { results: [], errors: [] };
  try {
    // The service.ts files Nx matched, then everything below the services they declare.
    for (const service of findServices(workspaceRoot, { files: serviceFiles, cache: cache.facts, host }).services) {
      for (const file of host.list(service.root)) read.add(file);
    }
    const workspace = analyzeWorkspace(workspaceRoot, { files: [...read], cache: cache.facts, host });
    const apps = files.filter((file) => basename(file) === APP_CONFIG_FILE).map((file) => readApp(file, host, workspace));
    const servedBy = appsOfServices(apps, workspace);
    // Where a service's test target looks for a jest or vitest config, found or not.
    const folders = new Set(workspace.services.flatMap((service) => folderAndAbove(service.root)));
    for (const folder of folders) noteLookup(folder);
    const runnerConfigs = runnerConfigLookup();
    for (const file of files) {
      const app = apps.find((a) => a.file === file);
      const { result, problems } = app ? appNode(app, options) : serviceNode(file, workspace, servedBy, options, workspaceRoot, runnerConfigs);
      if (result) nodes.results.push([file, result]);
      if (problems.length) nodes.errors.push([file, formatAnalysisErrors(problems)]);
    }
  } finally {
    writePluginCache(factsPath, cache.facts, read);
  }
  // The facts the result was made from: if they are replaced, so is the result.
  note(factsPath);
  return { nodes, inputs: inputs() };
}

/** A folder and each one above it, up to the workspace root ('.'). */
function folderAndAbove(folder: string): string[] {
  const folders = [folder];
  while (folders[folders.length - 1] !== '.') folders.push(posix.dirname(folders[folders.length - 1]));
  return folders;
}

/**
 * Nx's error for problems beside partial results. @nx/devkit is loaded only then: it costs
 * a plugin worker about 200 ms at start, and a graph without problems answered from the
 * cache needs nothing else of it.
 */
function aggregateError(errors: [string, Error][], results: CreateNodesResultV2): AggregateCreateNodesError {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const devkit = require('@nx/devkit') as typeof import('@nx/devkit');
  return new devkit.AggregateCreateNodesError(errors, results);
}

function hashOf(parts: readonly string[]): string {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('base64url');
}

/** The same function under the name newer Nx versions look for first. */
export const createNodes = createNodesV2;

function normalizeOptions(options: TopoPluginOptions | undefined): NormalizedOptions {
  return {
    serveTargetName: options?.serveTargetName ?? 'serve',
    buildTargetName: options?.buildTargetName ?? 'build',
    containerTargetName: options?.containerTargetName ?? 'container',
    catalogTargetName: options?.catalogTargetName ?? 'catalog',
    testTargetName: options?.testTargetName ?? 'test',
  };
}

/** An app's topo.json, read and checked against the services the analysis found. */
interface AppNode {
  file: string;
  root: string;
  name: string;
  config?: AppConfig;
  problems: AnalysisError[];
}

function readApp(file: string, host: SourceHost, workspace: WorkspaceAnalysis): AppNode {
  const root = posix.dirname(file);
  const read = (path: string) => host.read(posix.join(root, path));
  // The name comes from project.json or package.json when the app has one.
  const name = appProjectName(root, { projectJson: read('project.json'), packageJson: read('package.json') }, host.root);
  const { config, errors } = parseAppConfig(file, read(APP_CONFIG_FILE) ?? '');
  if (!config) return { file, root, name, problems: errors };
  const app = analyzeApp(config, workspace);
  const names = app.services.map((service) => service.name);
  // Every topology the app names must place its services, or serve and build will refuse it.
  const topologies = Object.keys(config.topologies).flatMap((topology) => resolveTopology(config, names, { topology }).errors);
  return { file, root, name, config, problems: [...app.errors, ...topologies] };
}

/**
 * The app whose build builds each service: the first app (by folder) whose topo.json serves
 * it, below its folder with `"services": "*"` or by name in a list.
 */
function appsOfServices(apps: readonly AppNode[], workspace: WorkspaceAnalysis): Map<string, string> {
  const servedBy = new Map<string, string>();
  for (const app of [...apps].sort((a, b) => a.file.localeCompare(b.file))) {
    if (!app.config) continue;
    for (const service of resolveAppServices(app.config, workspace.services).services) {
      if (!servedBy.has(service.name)) servedBy.set(service.name, app.name);
    }
  }
  return servedBy;
}

/** The project of a service.ts, and the problems of every file of its service. */
function serviceNode(
  file: string,
  workspace: WorkspaceAnalysis,
  servedBy: ReadonlyMap<string, string>,
  options: NormalizedOptions,
  workspaceRoot: string,
  runnerConfigs: RunnerConfigLookup,
): { result?: CreateNodesResult; problems: AnalysisError[] } {
  const service = workspace.services.find((s) => s.serviceFile === file);
  if (!service) {
    // A service.ts that does not use the runtime is not Topo's: no project and no problem.
    const problems = workspace.errors.filter((e) => e.file === file);
    return { result: problems.length ? undefined : {}, problems };
  }
  // Its own problems and those of its files; a service.ts nested below reports its own.
  const problems = workspace.errors.filter((e) => e.file === file || (isInside(e.file, service.root) && basename(e.file) !== SERVICE_FILE));
  const databases = workspace.databases.filter((d) => d.service === service.name || d.users.includes(service.name));
  const project = serviceProject(service, databases, servedBy.get(service.name), options);
  const test = serviceTestTarget(workspaceRoot, service.root, runnerConfigs);
  if (test) project.targets = { ...project.targets, [options.testTargetName]: test };
  return { result: { projects: { [service.root]: project } }, problems };
}

/**
 * A service's project. Its metadata lists the databases it owns or uses by name, each with
 * its owner and every service that uses it, so that `nx show project` and the graph's
 * project details show which services share a database.
 */
function serviceProject(
  service: ServiceInfo,
  databases: readonly DatabaseInfo[],
  app: string | undefined,
  options: NormalizedOptions,
): Omit<ProjectConfiguration, 'root'> {
  const topo = databases.length
    ? { topo: { databases: databases.map((d) => ({ name: d.name, owner: d.service, usedBy: d.users, ...(d.migrations ? { migrations: d.migrations } : {}) })) } }
    : {};
  return {
    name: service.name,
    projectType: 'library',
    tags: [SERVICE_TAG],
    metadata: { technologies: TECHNOLOGIES, description: `Topo service "${service.name}".`, ...topo },
    targets: serviceTargets(service.name, app, options),
  };
}

/**
 * A service's `build` (its bundle alone, as micro runs it) and `container` (its image), both
 * cached per service: inputs are the service's files and those of the projects it depends
 * on, and for the image the engines on the PATH too (a result made with one engine is not
 * replayed after another is installed). The bundle is the same in every topology: nothing
 * is forwarded to it, so that options of the image or the app (`--tag`, `--engine`,
 * `--topology`) never change its cache key. None when no app serves it.
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
      metadata: { technologies: TECHNOLOGIES, description: `Bundles service ${service} alone, as micro runs it, into dist/${app}/services/. Needs no container engine.` },
    },
    [options.containerTargetName]: {
      executor: '@topo/nx:container',
      options: { app },
      cache: true,
      inputs: [...inputs, { runtime: ENGINE_IDENTITY_COMMAND }],
      dependsOn: [{ target: options.buildTargetName, params: 'ignore' }],
      outputs: [`${output}/image.json`],
      metadata: { technologies: TECHNOLOGIES, description: `Builds the image ${app}-${deployName(service)} with podman or docker.` },
    },
  };
}

/** The project of a topo.json, unless the file cannot be read as one, and its problems. */
function appNode(app: AppNode, options: NormalizedOptions): { result?: CreateNodesResult; problems: AnalysisError[] } {
  if (!app.config) return { problems: app.problems };
  const serve: TargetConfiguration = {
    executor: '@topo/nx:serve',
    options: {},
    // Not `continuous`: Nx 23 reports a continuous target that ends by itself as a success
    // whatever its exit code, and `nx serve` must fail when it refuses its options or the app.
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Runs the app's services, in the topology of --topology or --env (default mono), on the port of ${APP_CONFIG_FILE}.`,
    },
  };
  // The build depends on no service task: mono needs none of them, and Nx cannot make a
  // dependency hang on --topology. It writes a service alone to the folder its own build uses.
  const build: TargetConfiguration = {
    executor: '@topo/nx:build',
    options: {},
    cache: false,
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Builds the app for the topology of --topology or --env (default mono): dist/<app>/mono, or bundles, Dockerfiles, docker-compose.yml and Kubernetes manifests. Needs no container engine.`,
    },
  };
  const container: TargetConfiguration = {
    executor: '@topo/nx:container',
    options: {},
    dependsOn: [{ target: options.buildTargetName, params: 'forward' }],
    // Images live in the engine, not in dist: each run asks the engine, whose own layer cache makes an unchanged image quick.
    cache: false,
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Builds every image of the topology of --topology or --env (default mono), the gateway's among them, with podman or docker, after the app's build.`,
    },
  };
  const catalog: TargetConfiguration = {
    executor: '@topo/nx:catalog',
    options: {},
    cache: true,
    // The app's files and its services' (the app depends on each of them).
    inputs: ['default', '^default'],
    outputs: [`{workspaceRoot}/dist/${app.name}/catalog`],
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Writes the service catalog to dist/${app.name}/catalog: catalog.json, openapi.json and index.html, the catalog page with the architecture diagram.`,
    },
  };
  const project: ProjectConfiguration = {
    root: app.root,
    name: app.name,
    projectType: 'application',
    tags: [APP_TAG],
    metadata: { technologies: TECHNOLOGIES },
    targets: {
      [options.serveTargetName]: serve,
      [options.buildTargetName]: build,
      [options.containerTargetName]: container,
      [options.catalogTargetName]: catalog,
    },
  };
  return { result: { projects: { [app.root]: project } }, problems: app.problems };
}

/** The problems of one file as the error Nx prints: the message alone, since a stack trace of the plugin says nothing about the user's code. */
function problemsError(message: string): Error {
  const error = new Error(message);
  error.stack = error.message;
  return error;
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
  const resultPath = join(workspaceDataDirectory(context.workspaceRoot), 'topo-result-dependencies.json');
  // Nx hashes every file of the workspace for us: the edges stand while those hashes and
  // the projects do. Sorted, since Nx lists projects in the order its plugins answered.
  const projects = Object.entries(context.projects).map(([name, project]) => JSON.stringify([name, project.root, project.tags ?? []]));
  const files = Object.entries(context.fileMap.projectFileMap).flatMap(([project, list]) => list.map(({ file, hash }) => `${file}\0${hash}\0${project}`));
  const key = hashOf([codeSignature(), ...projects.sort(), ...files.sort(), ...context.fileMap.nonProjectFiles.map(({ file, hash }) => `${file}\0${hash}`).sort()]);
  const cached = readCachedResult<RawProjectGraphDependency[]>(resultPath, key, context.workspaceRoot);
  if (cached) return cached;
  const dependencies = analyzeDependencies(context);
  writeCachedResult(resultPath, key, { paths: {}, lists: {}, lookups: { names: [], found: {} } }, dependencies);
  return dependencies;
};

function analyzeDependencies(context: CreateDependenciesContext): RawProjectGraphDependency[] {
  const cachePath = join(workspaceDataDirectory(context.workspaceRoot), 'topo-dependencies.hash');
  const cache = readPluginCache(cachePath);
  for (const [file, facts] of factsOfLastRun) if (!cache.facts.has(file)) cache.facts.set(file, facts);
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
          dependencies.set(`${name}\0${target}`, { source: name, target, type: 'implicit' as DependencyType.implicit });
        }
      }
    }
    const serviceProject = new Map(services.map((s) => [s.name, projectAt.get(s.root)]));
    const addStatic = (source: string | undefined, target: string | undefined, sourceFile: string) => {
      if (!source || !target || source === target) return;
      dependencies.set(`${source}\0${target}\0${sourceFile}`, { source, target, sourceFile, type: 'static' as DependencyType.static });
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
    writePluginCache(cachePath, cache.facts, new Set(owners.keys()));
  }
}

/** Every file of the workspace, mapped to the project it belongs to ('' for none). */
function fileOwners(context: CreateDependenciesContext): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [project, files] of Object.entries(context.fileMap.projectFileMap)) {
    for (const { file } of files) owners.set(file, project);
  }
  for (const { file } of context.fileMap.nonProjectFiles) owners.set(file, '');
  return owners;
}
