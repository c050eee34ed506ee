import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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
import { buildImage, type EngineChoice, ensureBaseImage, findEngine } from './engine';
import { deployName } from './names';
import { writePackageFiles } from './package-files';

export interface BuildSettings {
  workspaceRoot: string;
  /** The app's Nx project name and its folder (absolute). */
  appName: string;
  appRoot: string;
  /** The base image compose builds with, and the commands printed for building by hand. */
  baseImage: string;
  /** Tag of every image; by default a content hash of its build context (see contentTag). */
  tag?: string;
  /** Packages to leave out of the bundles, for npm to install in the image. */
  external: readonly string[];
  log: (message: string) => void;
}

export interface AppBuildSettings extends BuildSettings {
  topology?: string;
  env?: string;
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
}

/**
 * `build.json` in a topology's folder: each process's build context and image, for the
 * app's `container` target to build from.
 */
export const BUILD_RECORD = 'build.json';

interface BuildRecord {
  app: string;
  topology: string;
  processes: { name: string; context: string; image: string }[];
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
 * The port a process listens on in its container. The process that faces clients (the
 * gateway, or the one process of a topology with a single group) listens on the app's port;
 * every other on CONTAINER_PORT, each in a container of its own, so that a service's image
 * is the same in every topology. The Dockerfile's EXPOSE, compose and Kubernetes all take it
 * from here.
 */
export function processPort(edge: boolean, appPort: number): number {
  return edge ? appPort : CONTAINER_PORT;
}

/**
 * `nx build <app>`: the bundles, package files and Dockerfiles of the topology's processes,
 * and for any topology but mono a gateway, a docker-compose.yml and Kubernetes manifests. No
 * container engine and no network: the images come from the `container` targets
 * (buildAppImages). mono goes to `dist/<app>/mono/`, another topology to
 * `dist/<app>/<topology>/`, and a process that is one service alone to that service's own
 * folder, `dist/<app>/services/<service>/`, the same bundle its `build` target makes, shared
 * by micro and every custom topology that runs the service alone.
 */
export async function buildApp(settings: AppBuildSettings): Promise<AppBuild> {
  const app = loadApp(settings, 'build');
  const plans = planProcesses(settings.workspaceRoot, app.groups, app.services, app.schemas);
  // One group holding every service faces clients itself, with no gateway (as in nx serve).
  const mono = app.groups.length === 1;
  const outDir = join(appDist(settings), deployName(app.topology));
  rmSync(outDir, { recursive: true, force: true });
  const processes: BuiltProcess[] = [];
  const ports = new Map<string, number>();

  for (const plan of plans) {
    const single = !mono && plan.kind === 'process' && plan.services.length === 1 ? plan.services[0].name : undefined;
    const edge = mono || plan.kind === 'gateway';
    ports.set(plan.name, processPort(edge, app.port));
    const dir = single ? serviceDist(settings, single) : app.topology === 'mono' ? outDir : join(outDir, deployName(plan.name));
    const processPlan = single ? ({ ...plan, edge: false } as ServiceProcessPlan) : plan;
    processes.push(await buildProcess(settings, processPlan, dir, ports.get(plan.name)!, plan.name, app.services));
  }

  if (app.topology !== 'mono') {
    const layout: DeployLayout = {
      app: settings.appName,
      topology: app.topology,
      baseImage: settings.baseImage,
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

  const record: BuildRecord = {
    app: settings.appName,
    topology: app.topology,
    processes: processes.map((p) => ({ name: p.name, context: relative(settings.workspaceRoot, p.dir), image: p.image })),
  };
  writeFileSync(join(outDir, BUILD_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  settings.log(buildByHandMessage(settings, record.processes));
  return { topology: app.topology, outDir, processes };
}

export interface ServiceBuildSettings extends BuildSettings {
  service: string;
}

/**
 * A service's own build (its `build` target): the service alone in a process, as micro runs
 * it, in `dist/<app>/services/<service>/`. It depends on the service's code and `--external`
 * only, never on the topology: every topology that runs the service alone uses it.
 */
export async function buildService(settings: ServiceBuildSettings): Promise<BuiltProcess> {
  const { service, services, schemas } = loadAppService(settings);
  const [plan] = planProcesses(settings.workspaceRoot, [{ name: service.name, services: [service.name] }], services, schemas);
  return buildProcess(settings, { ...(plan as ServiceProcessPlan), edge: false }, serviceDist(settings, service.name), CONTAINER_PORT, service.name, services);
}

/** What building images needs beyond the build: the engine and the base image. */
export interface ImageSettings extends BuildSettings {
  engine: EngineChoice;
}

/**
 * A service's `container` target: the image of its own build (written by its `build`
 * target), recorded in `image.json` beside it.
 */
export async function buildServiceImage(settings: ImageSettings & { service: string }): Promise<BuiltProcess> {
  const built = readServiceBuild(settings, settings.service);
  const [withImage] = await buildImages(settings, [built]);
  return withImage;
}

/**
 * The app's `container` target: every image of a topology's build (the gateway's among
 * them), from the `build.json` its build wrote.
 */
export async function buildAppImages(settings: ImageSettings, topology: string): Promise<BuiltProcess[]> {
  const file = join(appDist(settings), deployName(topology), BUILD_RECORD);
  let record: BuildRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`${relative(settings.workspaceRoot, file)} is missing: run \`nx build ${settings.appName} --topology=${topology}\` first.`);
  }
  const processes = record.processes.map((p) => {
    const dir = join(settings.workspaceRoot, p.context);
    return { name: p.name, dir, image: p.image, bundleBytes: readFileSync(join(dir, 'main.js')).length };
  });
  return buildImages(settings, processes);
}

/**
 * Builds the image of each process folder with the engine found, and records it in the
 * folder's `image.json`. No engine, or a base image the engine cannot find or pull, is an
 * error before any image is built.
 */
async function buildImages(settings: ImageSettings, processes: readonly BuiltProcess[]): Promise<BuiltProcess[]> {
  const engine = await findEngine(settings.engine);
  await ensureBaseImage(engine, settings.baseImage, processes.map((p) => relative(settings.workspaceRoot, p.dir)));
  const built: BuiltProcess[] = [];
  for (const process of processes) {
    const id = await buildImage(engine, process.dir, process.image, settings.baseImage);
    writeFileSync(join(process.dir, 'image.json'), `${JSON.stringify({ engine, image: process.image, id, baseImage: settings.baseImage }, null, 2)}\n`);
    settings.log(`${engine}: built ${process.image}`);
    built.push({ ...process, imageId: id });
  }
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
  return { name, dir, image: imageTag(settings, name, dir), bundleBytes: bundle.bytes };
}

function readServiceBuild(settings: BuildSettings, service: string): BuiltProcess {
  const dir = serviceDist(settings, service);
  const main = join(dir, 'main.js');
  if (!existsSync(main)) throw new Error(`${relative(settings.workspaceRoot, main)} is missing: run \`nx build ${service}\` first.`);
  const name = deployName(service);
  return { name, dir, image: imageTag(settings, name, dir), bundleBytes: readFileSync(main).length };
}

/** `<app>-<process>:<tag>`, the tag `--tag` or else the content hash of the build context. */
function imageTag(settings: Pick<BuildSettings, 'appName' | 'tag'>, process: string, dir: string): string {
  return `${deployName(settings.appName)}-${process}:${settings.tag ?? contentTag(dir)}`;
}

/**
 * The default image tag: the first 12 hex digits of a SHA-256 over the files the image
 * copies from its build context (the Dockerfile, main.js, the package files, the
 * migrations), by path and content. The same code gives the same tag on any machine, and a
 * change gives a new one, so Kubernetes rolls the pods and compose recreates the container.
 */
export function contentTag(dir: string): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    const file = join(dir, path);
    if (!existsSync(file)) return;
    if (statSync(file).isDirectory()) {
      for (const entry of readdirSync(file).sort()) add(join(path, entry));
      return;
    }
    hash.update(`${path.split(sep).join('/')}\0`).update(readFileSync(file)).update('\0');
  };
  for (const path of ['Dockerfile', 'package.json', 'package-lock.json', 'main.js', 'migrations']) add(path);
  return hash.digest('hex').slice(0, 12);
}

/** The build contexts and how to build their images: the container targets, or the engine by hand. */
function buildByHandMessage(settings: AppBuildSettings, processes: readonly { context: string; image: string }[]): string {
  const selection = settings.env ? `--env=${settings.env}` : `--topology=${settings.topology ?? 'mono'}`;
  const commands = processes.map(({ context, image }) => `  docker build --build-arg BASE_IMAGE=${settings.baseImage} -t ${image} ${context}`);
  return `Build contexts written. Build the images with \`nx run ${settings.appName}:container ${selection}\` (podman or docker), or by hand:\n${commands.join('\n')}`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

