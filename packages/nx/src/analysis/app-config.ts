import { posix } from 'node:path';
import { type AnalysisError, isValidServiceName } from './errors';
import { diskHost, type SourceHost } from './files';
import { isInside, type ServiceLocation } from './services';

export const APP_CONFIG_FILE = 'topo.json';

/** The topologies every app has, whatever its topo.json says. */
export const BUILT_IN_TOPOLOGIES = ['mono', 'micro'] as const;

/** An app's `topo.json`, validated. */
export interface AppConfig {
  /** Workspace-relative path of the topo.json. */
  file: string;
  /** Workspace-relative folder of the app. */
  root: string;
  /** `'*'`: every service below `root`; a list: those services, wherever they are. */
  services: '*' | string[];
  port: number;
  /** Custom topologies: name -> process groups, each a list of service names. */
  topologies: Record<string, string[][]>;
  /** Environment -> topology name. */
  environments: Record<string, string>;
}

/** One process: the services it hosts. */
export interface ProcessGroup {
  /** `mono`, the service's name, or the services joined with '+'. */
  name: string;
  services: string[];
}

export interface ResolvedTopology {
  name: string;
  groups: ProcessGroup[];
}

/**
 * Reads and validates `<appRoot>/topo.json`.
 *
 * @example
 * const { config, errors } = readAppConfig(workspaceRoot, 'apps/api');
 */
export function readAppConfig(
  workspaceRoot: string,
  appRoot: string,
  host: SourceHost = diskHost(workspaceRoot),
): { config?: AppConfig; errors: AnalysisError[] } {
  const file = posix.join(appRoot, APP_CONFIG_FILE);
  const text = host.read(file);
  if (text === undefined) {
    return {
      errors: [
        invalid(file, `There is no ${APP_CONFIG_FILE} in ${appRoot}.`, `Create one, or run \`nx g @topo/nx:init\`: { "services": "*", "port": 4000 }.`),
      ],
    };
  }
  return parseAppConfig(file, text);
}

/**
 * Validates the text of a topo.json at `file` (workspace-relative).
 *
 * @example
 * parseAppConfig('apps/api/topo.json', '{ "services": "*", "port": 4000 }').config?.port; // 4000
 */
export function parseAppConfig(file: string, text: string): { config?: AppConfig; errors: AnalysisError[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { errors: [invalid(file, `${file} is not valid JSON: ${(error as Error).message}.`, 'Fix the JSON syntax.')] };
  }
  if (!isObject(json)) {
    return { errors: [invalid(file, `${file} must hold a JSON object.`, 'Write { "services": "*", "port": 4000 }.')] };
  }
  const errors: AnalysisError[] = [];
  const config: AppConfig = {
    file,
    root: posix.dirname(file),
    services: readServices(file, json.services, errors),
    port: readPort(file, json.port, errors),
    topologies: readTopologies(file, json.topologies, errors),
    environments: {},
  };
  config.environments = readEnvironments(file, json.environments, config.topologies, errors);
  return errors.length ? { errors } : { config, errors };
}

function readServices(file: string, value: unknown, errors: AnalysisError[]): AppConfig['services'] {
  if (value === '*') return '*';
  if (Array.isArray(value) && value.every((name) => typeof name === 'string')) {
    const names = value as string[];
    for (const name of names.filter((n) => !isValidServiceName(n))) {
      errors.push(invalid(file, `"services" lists "${name}", which is not a service name (kebab-case).`, 'List service names as declared by `new Service(...)`.'));
    }
    const twice = names.filter((name, index) => names.indexOf(name) !== index);
    if (twice.length) errors.push(invalid(file, `"services" lists ${quoteList(twice)} more than once.`, 'List each service once.'));
    return names;
  }
  errors.push(
    invalid(
      file,
      value === undefined ? '"services" is missing.' : `"services" must be "*" or a list of service names, not ${JSON.stringify(value)}.`,
      'Use "services": "*" for every service below the app, or a list such as ["hello", "billing"].',
    ),
  );
  return [];
}

function readPort(file: string, value: unknown, errors: AnalysisError[]): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536) return value;
  errors.push(
    invalid(
      file,
      value === undefined ? '"port" is missing.' : `"port" must be an integer from 1 to 65535, not ${JSON.stringify(value)}.`,
      'Set the port the app (or its gateway) listens on, such as "port": 4000.',
    ),
  );
  return 0;
}

function readTopologies(file: string, value: unknown, errors: AnalysisError[]): AppConfig['topologies'] {
  if (value === undefined) return {};
  const example = '"topologies": { "staging": [["hello", "billing"], ["yo"]] }';
  if (!isObject(value)) {
    errors.push(invalid(file, '"topologies" must be an object from topology name to process groups.', `Write ${example}.`));
    return {};
  }
  const topologies: AppConfig['topologies'] = {};
  for (const [name, groups] of Object.entries(value)) {
    if ((BUILT_IN_TOPOLOGIES as readonly string[]).includes(name)) {
      errors.push(invalid(file, `Topology "${name}" is built in and cannot be redefined.`, `Give your topology another name.`));
      continue;
    }
    const valid =
      Array.isArray(groups) &&
      groups.length > 0 &&
      groups.every((group) => Array.isArray(group) && group.length > 0 && group.every((s) => typeof s === 'string'));
    if (!valid) {
      errors.push(
        invalid(file, `Topology "${name}" must be a non-empty list of process groups, each a non-empty list of service names.`, `Write ${example}.`),
      );
      continue;
    }
    topologies[name] = groups as string[][];
  }
  return topologies;
}

function readEnvironments(
  file: string,
  value: unknown,
  topologies: AppConfig['topologies'],
  errors: AnalysisError[],
): AppConfig['environments'] {
  if (value === undefined) return {};
  if (!isObject(value)) {
    errors.push(invalid(file, '"environments" must be an object from environment name to topology name.', 'Write "environments": { "local": "mono", "production": "micro" }.'));
    return {};
  }
  const known = topologyNames(topologies);
  const environments: AppConfig['environments'] = {};
  for (const [environment, topology] of Object.entries(value)) {
    if (typeof topology !== 'string' || !known.includes(topology)) {
      errors.push({
        code: 'unknown-topology',
        file,
        message: `Environment "${environment}" uses ${typeof topology === 'string' ? `topology "${topology}", which does not exist` : 'no topology name'}.`,
        fix: `Use one of: ${known.join(', ')}.`,
      });
      continue;
    }
    environments[environment] = topology;
  }
  return environments;
}

/**
 * The services an app runs: with `"services": "*"`, every service below the app's
 * folder; with a list, the named services wherever they are (an unknown name is an
 * error). Ordered by name.
 *
 * @example
 * const { services } = resolveAppServices(config, findServices(workspaceRoot).services);
 */
export function resolveAppServices(
  config: AppConfig,
  services: readonly ServiceLocation[],
): { services: ServiceLocation[]; errors: AnalysisError[] } {
  const byName = (a: ServiceLocation, b: ServiceLocation) => a.name.localeCompare(b.name);
  if (config.services === '*') {
    return { services: services.filter((s) => isInside(s.root, config.root)).sort(byName), errors: [] };
  }
  const errors: AnalysisError[] = [];
  const selected: ServiceLocation[] = [];
  for (const name of config.services) {
    const service = services.find((s) => s.name === name);
    if (service) selected.push(service);
    else errors.push(unknownService(config.file, name, '"services"', services.map((s) => s.name)));
  }
  return { services: selected.sort(byName), errors };
}

/**
 * Resolves `--topology` or `--env` into process groups. Neither: `mono`. `mono` is one
 * group with every service, `micro` one group per service, a custom topology its own
 * groups, each of which must place every app service exactly once.
 *
 * @example
 * resolveTopology(config, ['hello', 'yo'], { topology: 'micro' }).topology;
 * // { name: 'micro', groups: [{ name: 'hello', services: ['hello'] }, { name: 'yo', services: ['yo'] }] }
 */
export function resolveTopology(
  config: AppConfig,
  appServices: readonly string[],
  selection: { topology?: string; env?: string } = {},
): { topology?: ResolvedTopology; errors: AnalysisError[] } {
  const { file } = config;
  if (selection.topology && selection.env) {
    return {
      errors: [
        {
          code: 'topology-and-environment',
          file,
          message: `Both a topology ("${selection.topology}") and an environment ("${selection.env}") were given.`,
          fix: 'Pass either --topology or --env, not both.',
        },
      ],
    };
  }
  let name = selection.topology ?? 'mono';
  if (selection.env) {
    const fromEnvironment = config.environments[selection.env];
    if (!fromEnvironment) {
      const known = Object.keys(config.environments);
      return {
        errors: [
          {
            code: 'unknown-environment',
            file,
            message: `Environment "${selection.env}" is not defined in ${file}.`,
            fix: known.length
              ? `Use one of: ${known.join(', ')}; or add it to "environments".`
              : `Add it to "environments", such as "environments": { "${selection.env}": "micro" }, or pass --topology.`,
          },
        ],
      };
    }
    name = fromEnvironment;
  }
  if (appServices.length === 0) {
    return {
      errors: [
        {
          code: 'app-without-services',
          file,
          message: `App ${config.root} has no services.`,
          fix:
            config.services === '*'
              ? `Create one below ${config.root}: \`nx g @topo/nx:service <name>\`.`
              : 'List existing services in "services", or create one: `nx g @topo/nx:service <name>`.',
        },
      ],
    };
  }
  if (name === 'mono') return { topology: { name, groups: [{ name: 'mono', services: [...appServices] }] }, errors: [] };
  if (name === 'micro') {
    return { topology: { name, groups: appServices.map((service) => ({ name: service, services: [service] })) }, errors: [] };
  }
  const groups = config.topologies[name];
  if (!groups) {
    return {
      errors: [
        {
          code: 'unknown-topology',
          file,
          message: `Topology "${name}" is not defined in ${file}.`,
          fix: `Use one of: ${topologyNames(config.topologies).join(', ')}; or add it to "topologies".`,
        },
      ],
    };
  }
  const errors = checkPlacement(config, name, groups, appServices);
  if (errors.length) return { errors };
  return {
    topology: { name, groups: groups.map((services) => ({ name: groupName(services), services: [...services] })) },
    errors: [],
  };
}

/**
 * The Nx project name of the app at `root`: from its project.json, else its package.json
 * (`nx.name`, then `name`), else its folder's name; the same name Nx itself gives it.
 *
 * @example
 * appProjectName('apps/api', { packageJson: '{ "name": "@acme/api" }' }); // '@acme/api'
 */
export function appProjectName(
  root: string,
  manifests: { projectJson?: string; packageJson?: string },
  workspaceRoot = '',
): string {
  const fromJson = (text: string | undefined, pick: (json: { name?: unknown; nx?: { name?: unknown } }) => unknown) => {
    try {
      const name = text === undefined ? undefined : pick(JSON.parse(text));
      return typeof name === 'string' && name ? name : undefined;
    } catch {
      return undefined;
    }
  };
  return (
    fromJson(manifests.projectJson, (json) => json.name) ??
    fromJson(manifests.packageJson, (json) => json.nx?.name ?? json.name) ??
    posix.basename(root === '.' || root === '' ? workspaceRoot.replace(/\\/g, '/') : root)
  );
}

/** A process group's name: its service, or its services joined with '+'. */
export function groupName(services: readonly string[]): string {
  return services.join('+');
}

function checkPlacement(config: AppConfig, topology: string, groups: string[][], appServices: readonly string[]): AnalysisError[] {
  const errors: AnalysisError[] = [];
  const placed = groups.flat();
  const unknown = [...new Set(placed.filter((s) => !appServices.includes(s)))];
  for (const name of unknown) {
    errors.push(unknownService(config.file, name, `topology "${topology}"`, [...appServices]));
  }
  const twice = [...new Set(placed.filter((s, i) => placed.indexOf(s) !== i))];
  if (twice.length) {
    errors.push({
      code: 'service-placed-twice',
      file: config.file,
      message: `Topology "${topology}" places ${quoteList(twice)} in more than one process group.`,
      fix: 'Place each service in exactly one group.',
    });
  }
  const missing = appServices.filter((s) => !placed.includes(s));
  if (missing.length) {
    errors.push({
      code: 'service-not-placed',
      file: config.file,
      message: `Topology "${topology}" does not place ${quoteList(missing)}.`,
      fix: `Add ${missing.length > 1 ? 'them' : 'it'} to a process group of "${topology}", e.g. [${missing.map((s) => JSON.stringify(s)).join(', ')}].`,
    });
  }
  return errors;
}

function topologyNames(topologies: AppConfig['topologies']): string[] {
  return [...BUILT_IN_TOPOLOGIES, ...Object.keys(topologies)];
}

function unknownService(file: string, name: string, where: string, known: string[]): AnalysisError {
  return {
    code: 'unknown-service',
    file,
    message: `${where[0].toUpperCase()}${where.slice(1)} names service "${name}", which does not exist.`,
    fix: known.length ? `Use one of: ${known.join(', ')}.` : 'Create it with `nx g @topo/nx:service`, or remove the name.',
  };
}

function invalid(file: string, message: string, fix: string): AnalysisError {
  return { code: 'invalid-app-config', file, message, fix };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}
