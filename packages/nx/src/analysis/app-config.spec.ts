import { createTempWorkspace } from './__fixtures__/temp-workspace';
import { type AppConfig, parseAppConfig, readAppConfig, resolveAppServices, resolveTopology } from './app-config';
import type { ServiceLocation } from './services';

const FILE = 'apps/api/topo.json';

function config(json: object): AppConfig {
  const { config, errors } = parseAppConfig(FILE, JSON.stringify(json));
  expect(errors).toEqual([]);
  return config!;
}

function errorsOf(text: string) {
  return parseAppConfig(FILE, text).errors.map((e) => `${e.code}: ${e.message} ${e.fix}`);
}

function service(name: string, root: string): ServiceLocation {
  return { name, root, serviceFile: `${root}/service.ts`, line: 3 };
}

describe('readAppConfig', () => {
  it('reads and validates topo.json from the app folder', () => {
    const workspace = createTempWorkspace({
      [FILE]: JSON.stringify({
        services: '*',
        port: 4000,
        topologies: { staging: [['hello', 'billing'], ['yo']] },
        environments: { local: 'mono', staging: 'staging', production: 'micro' },
      }),
    });
    try {
      expect(readAppConfig(workspace.root, 'apps/api')).toEqual({
        config: {
          file: FILE,
          root: 'apps/api',
          services: '*',
          port: 4000,
          topologies: { staging: [['hello', 'billing'], ['yo']] },
          environments: { local: 'mono', staging: 'staging', production: 'micro' },
        },
        errors: [],
      });
      expect(readAppConfig(workspace.root, 'apps/other').errors[0]).toMatchObject({
        code: 'invalid-app-config',
        file: 'apps/other/topo.json',
        message: 'There is no topo.json in apps/other.',
      });
    } finally {
      workspace.remove();
    }
  });

  it('reports invalid JSON with the parser message', () => {
    expect(errorsOf('{ "services": "*", ')).toEqual([expect.stringMatching(/^invalid-app-config: apps\/api\/topo.json is not valid JSON: .+\. Fix the JSON syntax\.$/)]);
  });

  it('reports a missing or bad port and bad services', () => {
    expect(errorsOf('{ "services": "all", "port": "4000" }')).toEqual([
      'invalid-app-config: "services" must be "*" or a list of service names, not "all". Use "services": "*" for every service below the app, or a list such as ["hello", "billing"].',
      'invalid-app-config: "port" must be an integer from 1 to 65535, not "4000". Set the port the app (or its gateway) listens on, such as "port": 4000.',
    ]);
    expect(errorsOf('{ "services": ["hello", "Hello", "hello"], "port": 70000 }')).toEqual([
      expect.stringContaining('"services" lists "Hello", which is not a service name'),
      expect.stringContaining('"services" lists "hello" more than once.'),
      expect.stringContaining('"port" must be an integer from 1 to 65535, not 70000.'),
    ]);
    expect(errorsOf('{ "services": "*" }')).toEqual([expect.stringContaining('"port" is missing.')]);
  });

  it('reports redefined built-in topologies, malformed groups and environments naming unknown topologies', () => {
    expect(
      errorsOf(
        JSON.stringify({
          services: '*',
          port: 4000,
          topologies: { mono: [['a']], empty: [], bad: [['a'], []] },
          environments: { staging: 'stagin' },
        }),
      ),
    ).toEqual([
      expect.stringContaining('Topology "mono" is built in and cannot be redefined.'),
      expect.stringContaining('Topology "empty" must be a non-empty list of process groups'),
      expect.stringContaining('Topology "bad" must be a non-empty list of process groups'),
      'unknown-topology: Environment "staging" uses topology "stagin", which does not exist. Use one of: mono, micro.',
    ]);
  });
});

describe('resolveAppServices', () => {
  const services = [
    service('yo', 'apps/api/services/yo'),
    service('hello', 'apps/api/services/hello'),
    service('billing', 'apps/billing/services/billing'),
  ];

  it('takes every service below the app for "*", by name', () => {
    expect(resolveAppServices(config({ services: '*', port: 1 }), services).services.map((s) => s.name)).toEqual(['hello', 'yo']);
  });

  it('takes the listed services wherever they are, and reports unknown names', () => {
    expect(resolveAppServices(config({ services: ['billing', 'yo'], port: 1 }), services).services.map((s) => s.name)).toEqual([
      'billing',
      'yo',
    ]);
    const { errors } = resolveAppServices(config({ services: ['yo', 'nope'], port: 1 }), services);
    expect(errors).toEqual([
      {
        code: 'unknown-service',
        file: FILE,
        message: '"services" names service "nope", which does not exist.',
        fix: 'Use one of: yo, hello, billing.',
      },
    ]);
  });
});

describe('resolveTopology', () => {
  const app = config({
    services: '*',
    port: 4000,
    topologies: { staging: [['hello', 'billing'], ['yo']], broken: [['hello', 'yo'], ['yo', 'ghost']] },
    environments: { local: 'mono', staging: 'staging', production: 'micro' },
  });
  const names = ['billing', 'hello', 'yo'];

  it('defaults to mono: one group with every service', () => {
    expect(resolveTopology(app, names)).toEqual({
      topology: { name: 'mono', groups: [{ name: 'mono', services: names }] },
      errors: [],
    });
  });

  it('runs micro as one group per service, named after it', () => {
    expect(resolveTopology(app, names, { topology: 'micro' }).topology).toEqual({
      name: 'micro',
      groups: [
        { name: 'billing', services: ['billing'] },
        { name: 'hello', services: ['hello'] },
        { name: 'yo', services: ['yo'] },
      ],
    });
  });

  it('names custom groups by their services joined with +, and resolves environments', () => {
    const expected = {
      name: 'staging',
      groups: [
        { name: 'hello+billing', services: ['hello', 'billing'] },
        { name: 'yo', services: ['yo'] },
      ],
    };
    expect(resolveTopology(app, names, { topology: 'staging' }).topology).toEqual(expected);
    expect(resolveTopology(app, names, { env: 'staging' }).topology).toEqual(expected);
    expect(resolveTopology(app, names, { env: 'production' }).topology?.name).toBe('micro');
  });

  it('reports unknown topologies and environments, listing the known ones', () => {
    expect(resolveTopology(app, names, { topology: 'prod' }).errors).toEqual([
      {
        code: 'unknown-topology',
        file: FILE,
        message: `Topology "prod" is not defined in ${FILE}.`,
        fix: 'Use one of: mono, micro, staging, broken; or add it to "topologies".',
      },
    ]);
    expect(resolveTopology(app, names, { env: 'qa' }).errors).toEqual([
      {
        code: 'unknown-environment',
        file: FILE,
        message: `Environment "qa" is not defined in ${FILE}.`,
        fix: 'Use one of: local, staging, production; or add it to "environments".',
      },
    ]);
  });

  it('refuses a topology and an environment together', () => {
    expect(resolveTopology(app, names, { topology: 'mono', env: 'local' }).errors[0]).toMatchObject({
      code: 'topology-and-environment',
      fix: 'Pass either --topology or --env, not both.',
    });
  });

  it('names the services a custom topology places twice, misses or does not know', () => {
    expect(resolveTopology(app, names, { topology: 'broken' }).errors.map((e) => `${e.code}: ${e.message}`)).toEqual([
      'unknown-service: Topology "broken" names service "ghost", which does not exist.',
      'service-placed-twice: Topology "broken" places "yo" in more than one process group.',
      'service-not-placed: Topology "broken" does not place "billing".',
    ]);
  });

  it('refuses an app without services, saying how to create one', () => {
    expect(resolveTopology(app, []).errors[0]).toMatchObject({
      code: 'app-without-services',
      fix: 'Create one below apps/api: `nx g @topo/nx:service <name>`.',
    });
  });
});
