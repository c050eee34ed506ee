import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadApp, loadAppService } from '../app/load-app';
import { planProcesses } from '../app/plan-processes';
import type { ProcessPlan, ServiceProcessPlan } from '../app/process-plan';
import { type DeployBundle, bundleForDeploy } from './deploy-bundle';
import { CONTAINER_PORT, renderDockerfile } from './dockerfile';
import type { ServiceInfo } from '../analysis';
import {
  DATABASES_ENV_FILE,
  type DeployedProcess,
  type DeployLayout,
  layoutDatabases,
  renderCompose,
  renderDatabasesEnvExample,
  renderDatabasesInit,
  renderKubernetes,
} from './deploy-files';
import { buildImage, type Engine, type EngineChoice, findEngine, noEngineMessage } from './engine';
import { deployName } from './names';
import { writePackageFiles } from './package-files';

export interface BuildSettings {
  workspaceRoot: string;
  /** The app's Nx project name and its folder (absolute). */
  appName: string;
  appRoot: string;
  engine: EngineChoice;
  baseImage: string;
  tag: string;
  /** Packages to leave out of the bundles, for npm to install in the image. */
  external: readonly string[];
  log: (message: string) => void;
}

export interface AppBuildSettings extends BuildSettings {
  topology?: string;
  env?: string;
  /**
   * Services whose bundle and image Nx builds as tasks of their own in this run (their
   * `container` targets): the app build uses those and builds the rest itself.
   */
  builtByTasks?: ReadonlySet<string>;
}

/** What one process's folder holds after the build. */
export interface BuiltProcess {
  name: string;
  dir: string;
  image: string;
  /** The image id when an engine built it. */
  imageId?: string;
  bundleBytes: number;
}

export interface AppBuild {
  topology: string;
  /** The folder of the build: `dist/<app>/<topology>`. */
  outDir: string;
  processes: BuiltProcess[];
  engine?: Engine;
}

/** `dist/<app>` below the workspace root. */
export function appDist(settings: Pick<BuildSettings, 'workspaceRoot' | 'appName'>): string {
  return join(settings.workspaceRoot, 'dist', settings.appName);
}

/** Where a service's own build goes, whatever the topology: `dist/<app>/services/<service>`. */
export function serviceDist(settings: Pick<BuildSettings, 'workspaceRoot' | 'appName'>, service: string): string {
  return join(appDist(settings), 'services', deployName(service));
}

/**
 * `nx build <app>`: the bundles, package files and Dockerfiles of the topology's processes,
 * their images when an engine is found, and for any topology but mono a gateway, a
 * docker-compose.yml and Kubernetes manifests. mono goes to `dist/<app>/mono/`, another
 * topology to `dist/<app>/<topology>/`, and a process that is one service alone uses that
 * service's own build in `dist/<app>/services/<service>/` (what its `build` target makes).
 */
export async function buildApp(settings: AppBuildSettings): Promise<AppBuild> {
  const app = loadApp(settings, 'build');
  const plans = planProcesses(settings.workspaceRoot, app.groups, app.services, app.schemas);
  const engine = await findEngine(settings.engine);
  // One group holding every service faces clients itself, with no gateway (as in nx serve).
  const mono = app.groups.length === 1;
  const outDir = join(appDist(settings), deployName(app.topology));
  rmSync(outDir, { recursive: true, force: true });
  const processes: BuiltProcess[] = [];
  const unbuilt: { context: string; tag: string }[] = [];

  const ports = new Map<string, number>();
  app.groups.forEach((group, i) => ports.set(group.name, mono ? app.port : app.port + 1 + i));
  ports.set('gateway', app.port);

  for (const plan of plans) {
    const single = !mono && plan.kind === 'process' && plan.services.length === 1 ? plan.services[0].name : undefined;
    if (single && settings.builtByTasks?.has(single)) {
      processes.push(readServiceBuild(settings, single));
      continue;
    }
    const dir = single ? serviceDist(settings, single) : app.topology === 'mono' ? outDir : join(outDir, deployName(plan.name));
    const processPlan = single ? ({ ...plan, edge: false } as ServiceProcessPlan) : plan;
    const built = await buildProcess(settings, processPlan, dir, single ? CONTAINER_PORT : ports.get(plan.name)!, plan.name, app.services);
    if (engine) built.imageId = await imageOf(settings, engine, built);
    else unbuilt.push({ context: relative(settings.workspaceRoot, built.dir), tag: built.image });
    processes.push(built);
  }

  if (app.topology !== 'mono') {
    const layout: DeployLayout = {
      app: settings.appName,
      topology: app.topology,
      processes: processes.map((process): DeployedProcess => {
        const plan = plans.find((p) => deployName(p.name) === process.name) as ProcessPlan;
        const databases = plan.kind === 'process' ? databasesOf(plan, app.services) : undefined;
        return {
          name: process.name,
          services: plan.kind === 'process' ? plan.services.map((s) => s.name) : [],
          image: process.image,
          context: relative(outDir, process.dir) || '.',
          port: ports.get(plan.name)!,
          gateway: plan.kind === 'gateway',
          edge: plan.kind === 'gateway' || plan.edge,
          databases: databases?.names ?? [],
          owns: databases?.owned ?? [],
        };
      }),
    };
    writeFileSync(join(outDir, 'docker-compose.yml'), renderCompose(layout));
    if (layoutDatabases(layout).length) {
      writeFileSync(join(outDir, `${DATABASES_ENV_FILE}.example`), renderDatabasesEnvExample(layout));
      writeFileSync(join(outDir, 'databases-init.sql'), renderDatabasesInit(layout));
    }
    const k8s = join(outDir, 'k8s');
    mkdirSync(k8s, { recursive: true });
    for (const [file, text] of renderKubernetes(layout)) writeFileSync(join(k8s, file), text);
  }

  if (!engine && unbuilt.length > 0) {
    settings.log(noEngineMessage(settings.engine, unbuilt, settings.baseImage));
  }
  return { topology: app.topology, outDir, processes, engine };
}

export interface ServiceBuildSettings extends BuildSettings {
  service: string;
}

/**
 * A service's own build (its `build` target): the service alone in a process, as micro runs
 * it, in `dist/<app>/services/<service>/`.
 */
export async function buildService(settings: ServiceBuildSettings): Promise<BuiltProcess> {
  const { service, services, schemas } = loadAppService(settings);
  const [plan] = planProcesses(settings.workspaceRoot, [{ name: service.name, services: [service.name] }], services, schemas);
  return buildProcess(settings, { ...(plan as ServiceProcessPlan), edge: false }, serviceDist(settings, service.name), CONTAINER_PORT, service.name, services);
}

/** A service's `container` target: the image of its own build. */
export async function buildServiceImage(settings: ServiceBuildSettings): Promise<BuiltProcess> {
  const built = readServiceBuild(settings, settings.service);
  const engine = await findEngine(settings.engine);
  if (!engine) {
    settings.log(noEngineMessage(settings.engine, [{ context: relative(settings.workspaceRoot, built.dir), tag: built.image }], settings.baseImage));
    return built;
  }
  built.imageId = await imageOf(settings, engine, built);
  return built;
}

/**
 * The databases a process's services own or use by name, and the migrations folders of those
 * it owns: they travel with its bundle, since its process applies them at start.
 */
function databasesOf(
  plan: ServiceProcessPlan,
  services: readonly ServiceInfo[],
): { names: string[]; owned: string[]; migrations: { name: string; folder: string }[] } {
  const uses = services.filter((s) => plan.services.some((p) => p.name === s.name)).flatMap((s) => s.databases);
  return {
    names: [...new Set(uses.map((d) => d.name))].sort(),
    owned: [...new Set(uses.filter((d) => d.kind === 'own').map((d) => d.name))].sort(),
    migrations: uses.filter((d) => d.kind === 'own' && d.migrations).map((d) => ({ name: d.name, folder: d.migrations! })),
  };
}

async function buildProcess(
  settings: BuildSettings,
  plan: ProcessPlan,
  dir: string,
  port: number,
  processName: string,
  services: readonly ServiceInfo[],
): Promise<BuiltProcess> {
  rmSync(dir, { recursive: true, force: true });
  const name = deployName(processName);
  // express goes into the bundle only for services with raw endpoints or middleware, which the runtime serves through it.
  const own = plan.kind === 'process' ? services.filter((s) => plan.services.some((p) => p.name === s.name)) : [];
  const usesExpress = own.some((s) => s.endpoints.some((e) => e.kind === 'raw') || /\bmiddleware\b/.test(s.options));
  // pg, only for services with a database.
  const usesDatabase = own.some((s) => s.databases.length > 0);
  const bundle: DeployBundle = await bundleForDeploy(settings.appName, plan, dir, settings.workspaceRoot, settings.external, { usesExpress, usesDatabase });
  rmSync(join(dir, 'entry.js'), { force: true });
  writePackageFiles(dir, `${deployName(settings.appName)}-${name}`, bundle.externals, settings.workspaceRoot);
  // The migrations of the databases it owns, in migrations/<database>/ beside main.js.
  const migrations = plan.kind === 'process' ? databasesOf(plan, services).migrations : [];
  for (const { name: database, folder } of migrations) {
    cpSync(join(settings.workspaceRoot, folder), join(dir, 'migrations', database), { recursive: true, filter: (source) => !source.endsWith('.ts') });
  }
  const installs = bundle.externals.length > 0;
  writeFileSync(join(dir, 'Dockerfile'), renderDockerfile({ app: settings.appName, process: processName, port, installs, migrations: migrations.map((m) => m.name) }));
  writeFileSync(join(dir, '.dockerignore'), `*\n!main.js\n!package.json\n!package-lock.json\n${migrations.length ? '!migrations\n' : ''}`);
  settings.log(`${relative(settings.workspaceRoot, bundle.mainFile)}: ${formatBytes(bundle.bytes)}${bundle.externals.length ? ` (installs ${bundle.externals.map((e) => e.name).join(', ')})` : ''}`);
  return { name, dir, image: imageTag(settings, name), bundleBytes: bundle.bytes };
}

function readServiceBuild(settings: BuildSettings, service: string): BuiltProcess {
  const dir = serviceDist(settings, service);
  const main = join(dir, 'main.js');
  if (!existsSync(main)) throw new Error(`${relative(settings.workspaceRoot, main)} is missing: run \`nx build ${service}\` first.`);
  const name = deployName(service);
  const record = readImageRecord(dir);
  return { name, dir, image: imageTag(settings, name), imageId: record?.id, bundleBytes: readFileSync(main).length };
}

function imageTag(settings: Pick<BuildSettings, 'appName' | 'tag'>, process: string): string {
  return `${deployName(settings.appName)}-${process}:${settings.tag}`;
}

/** Builds the image of a process folder and records it in `image.json`. */
async function imageOf(settings: BuildSettings, engine: Engine, built: BuiltProcess): Promise<string> {
  const id = await buildImage(engine, built.dir, built.image, settings.baseImage);
  writeFileSync(join(built.dir, 'image.json'), `${JSON.stringify({ engine, image: built.image, id, baseImage: settings.baseImage }, null, 2)}\n`);
  settings.log(`${engine}: built ${built.image}`);
  return id;
}

function readImageRecord(dir: string): { id: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'image.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

