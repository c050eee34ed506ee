import { names, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import {
  analyzeWorkspace,
  APP_CONFIG_FILE,
  type AppConfig,
  type EndpointInfo,
  findServices,
  formatAnalysisErrors,
  importNeedles,
  isInside,
  isValidServiceName,
  parseAppConfig,
  SERVICE_FILE,
  type ServiceInfo,
  type SourceHost,
  treeHost,
} from '../../../analysis';
import { findApps } from '../../service/lib/normalize-options';
import { isEsmFolder, normalizePath } from '../../utils/workspace';
import type { SplitServiceGeneratorSchema } from '../schema';
import { DATABASE_CHOICES, type DatabaseChoice } from './split-databases';

/** An app whose topo.json serves the source service. */
export interface SplitApp {
  /** Nx project name. */
  readonly name: string;
  readonly root: string;
  readonly config: AppConfig;
}

/** The options of a split, read once, up front. */
export interface NormalizedSplitOptions {
  /** The service the endpoints move out of, as the analysis reads it. */
  readonly source: ServiceInfo;
  /** The endpoints that move, in the order the source declares them. */
  readonly endpoints: readonly EndpointInfo[];
  /** The new service's name, kebab-case. */
  readonly name: string;
  /** Its client module's export: `yo`, `userProfile`. */
  readonly clientName: string;
  /** Workspace-relative folder of the new service. */
  readonly directory: string;
  /** Every service of the workspace, the source included. */
  readonly services: readonly ServiceInfo[];
  /** The apps that serve the source service. */
  readonly apps: readonly SplitApp[];
  /** `.js` in ES module packages, where relative imports name the emitted file. */
  readonly importExtension: '' | '.js';
  /** What the new service does with a database of the source that both sides use; asked or refused when needed and missing. */
  readonly database?: DatabaseChoice;
  readonly skipFormat: boolean;
}

/**
 * Reads the options once: the source service and the endpoints selected (by export name
 * or `"METHOD /path"`), the new service's name and folder, and the apps that serve the
 * source. Refuses an invalid name, an unknown service or endpoint, and a source service
 * whose code the analysis cannot read.
 */
export function normalizeOptions(tree: Tree, schema: SplitServiceGeneratorSchema): NormalizedSplitOptions {
  const name = schema.name?.trim() ?? '';
  if (!isValidServiceName(name)) {
    throw new Error(
      `Service name "${name}" is not kebab-case. Pass --name with lower-case letters, digits and dashes, starting with a letter, such as "yo" or "user-profile".`,
    );
  }
  const host = listedOnce(treeHost(tree));
  const analysis = analyzeWorkspace(tree.root, { host, files: filesToRead(tree, host, schema.from?.trim() ?? '') });
  const source = findSource(analysis.services, schema.from?.trim() ?? '');
  const problems = analysis.errors.filter((error) => isInside(error.file, source.root));
  if (problems.length) {
    throw new Error(
      `Service "${source.name}" has problems the split cannot work around; fix them first.\n\n${formatAnalysisErrors(problems)}`,
    );
  }
  const directory = schema.directory ? normalizePath(schema.directory) : posix.join(posix.dirname(source.root), name);
  return {
    source,
    endpoints: selectEndpoints(source, schema.endpoints),
    name,
    clientName: names(name).propertyName,
    directory,
    services: analysis.services,
    apps: appsServing(tree, host, source),
    importExtension: isEsmFolder(host, source.root) ? '.js' : '',
    database: readDatabaseChoice(schema.database),
    skipFormat: schema.skipFormat ?? false,
  };
}

function readDatabaseChoice(value: unknown): DatabaseChoice | undefined {
  if (value === undefined || value === '') return undefined;
  if (DATABASE_CHOICES.includes(value as DatabaseChoice)) return value as DatabaseChoice;
  throw new Error(
    `--database=${String(value)} is not a choice: pass --database=share (the new service uses the source's database by name) or --database=own (it gets a database of its own).`,
  );
}

/**
 * The files a split can touch: every service's service.ts (names and folders), every file
 * of the source service, and the files that may import from it (their text names its
 * folder or one of its path aliases). The rest of a large workspace is never parsed.
 */
function filesToRead(tree: Tree, host: SourceHost, from: string): string[] {
  const files = host.list();
  const { services } = findServices(tree.root, { host, files });
  const source = services.find((service) => service.name === from);
  if (!source) return files.filter((file) => posix.basename(file) === SERVICE_FILE);
  const needles = importNeedles(host, source.root);
  return files.filter((file) => {
    if (posix.basename(file) === SERVICE_FILE || isInside(file, source.root)) return true;
    if (!/\.tsx?$/.test(file)) return false;
    const text = tree.read(file, 'utf-8') ?? '';
    return needles.some((needle) => text.includes(needle));
  });
}

/** A host that walks the workspace once: normalising reads the listing several times. */
export function listedOnce(host: SourceHost): SourceHost {
  const listings = new Map<string, string[]>();
  return {
    ...host,
    list(dir = '') {
      if (!listings.has(dir)) listings.set(dir, host.list(dir));
      return [...listings.get(dir)!];
    },
  };
}

function findSource(services: readonly ServiceInfo[], from: string): ServiceInfo {
  const source = services.find((service) => service.name === from);
  if (source) return source;
  const known = services.map((service) => service.name);
  throw new Error(
    from === ''
      ? `Pass --from with the service to split${known.length ? `: one of ${known.join(', ')}` : ''}.`
      : known.length
        ? `There is no service "${from}". Pass --from with one of: ${known.join(', ')}.`
        : `There is no service "${from}": the workspace has no service yet. Create one with \`nx g @topo/nx:service\`.`,
  );
}

/** `h2`, `"GET /yo/:name"` or `"/yo/:name"`, one per entry or comma-separated. */
function selectEndpoints(source: ServiceInfo, requested: readonly string[] | string | undefined): EndpointInfo[] {
  const selectors = [requested ?? []]
    .flat()
    .flatMap((entry) => String(entry).split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  const available = () => source.endpoints.map((e) => `${e.exportName} (${e.methods.join('|')} ${e.path})`).join(', ');
  if (selectors.length === 0) {
    throw new Error(
      `Pass --endpoints with the endpoints to move out of "${source.name}", by export name or "METHOD /path": ${available()}.`,
    );
  }
  const selected = new Set<EndpointInfo>();
  const unknown: string[] = [];
  for (const selector of selectors) {
    const matches = source.endpoints.filter((endpoint) => matchesSelector(endpoint, selector));
    if (matches.length === 0) unknown.push(selector);
    for (const match of matches) selected.add(match);
  }
  if (unknown.length) {
    throw new Error(
      `Service "${source.name}" has no endpoint ${unknown.map((u) => `"${u}"`).join(', ')}. ` +
        `Pass --endpoints with export names or "METHOD /path" of: ${available()}.`,
    );
  }
  return source.endpoints.filter((endpoint) => selected.has(endpoint));
}

function matchesSelector(endpoint: EndpointInfo, selector: string): boolean {
  if (selector === endpoint.exportName) return true;
  const [first, ...rest] = selector.split(/\s+/);
  const method = rest.length ? first.toUpperCase() : undefined;
  const path = rest.length ? rest.join(' ') : first;
  if (!path.startsWith('/') || path !== endpoint.path) return false;
  return method === undefined || endpoint.methods.includes(method) || endpoint.methods.includes('*');
}

/** The apps whose topo.json serves `source`: by folder with `"services": "*"`, or by name in a list. */
export function appsServing(tree: Tree, host: SourceHost, source: ServiceInfo): SplitApp[] {
  const apps: SplitApp[] = [];
  for (const app of findApps(tree, host)) {
    const file = posix.join(app.root, APP_CONFIG_FILE);
    const { config, errors } = parseAppConfig(file, host.read(file) ?? '');
    if (!config) {
      if (isInside(source.root, app.root)) {
        throw new Error(
          `The topo.json of app ${app.root}, which serves "${source.name}", has problems; fix them first.\n\n${formatAnalysisErrors(errors)}`,
        );
      }
      continue;
    }
    const serves = config.services === '*' ? isInside(source.root, config.root) : config.services.includes(source.name);
    if (serves) apps.push({ ...app, config });
  }
  return apps;
}
