import { createTree } from '@nx/devkit/testing';
import {
  ENDPOINT_OPTIONS_CASES,
  ROUTE_PAIR_CASES,
  SERVICE_NAME_CASES,
  type EndpointOptionsCase,
} from '../../../runtime/src/contract/contract.cases';
import { analyzeApp } from './app';
import { parseAppConfig } from './app-config';
import { formatAnalysisErrors } from './errors';
import { treeHost } from './files';
import { analyzeWorkspace } from './workspace';

/**
 * The static analysis's side of the endpoint contract's conformance table: each case
 * written as source, read by the analysis of an app. The runtime runs the same table
 * (packages/runtime/src/contract/contract.spec.ts): what one accepts, the other accepts.
 */

const APP = 'apps/api';
const config = parseAppConfig(`${APP}/topo.json`, '{ "services": "*", "port": 4000 }').config!;

function declaration(name: string, { kind, options }: Pick<EndpointOptionsCase, 'kind' | 'options'>): string {
  const handler = kind === 'raw' ? '(req, res) => res.end()' : 'async () => ({})';
  return `export const ${name} = api${kind === 'raw' ? '.raw' : ''}(${JSON.stringify(options)}, ${handler});\n`;
}

/** Analyzes services written from `sources` (service name → endpoint declarations). */
function analyze(sources: Record<string, string>) {
  const tree = createTree();
  for (const [service, code] of Object.entries(sources)) {
    tree.write(`${APP}/services/${service}/service.ts`, `import { Service } from '@topo/runtime';\nexport default new Service(${JSON.stringify(service)});\n`);
    tree.write(`${APP}/services/${service}/endpoints.ts`, `import { api } from '@topo/runtime';\n${code}`);
  }
  const workspace = analyzeWorkspace(tree.root, { host: treeHost(tree) });
  const app = analyzeApp(config, workspace);
  return { services: app.services, errors: [...workspace.errors, ...app.errors] };
}

describe('the endpoint contract, as the static analysis reads it', () => {
  it.each(ENDPOINT_OPTIONS_CASES.map((c) => [c.title, c] as const))('endpoint options: %s', (_title, testCase) => {
    const { services, errors } = analyze({ s: declaration('e', testCase) });
    if (testCase.refused === undefined) {
      expect(formatAnalysisErrors(errors)).toBe('');
      const [endpoint] = services[0].endpoints;
      expect({ expose: endpoint.expose, methods: endpoint.methods, path: endpoint.path }).toEqual(testCase.means);
    } else {
      expect(formatAnalysisErrors(errors)).toContain(testCase.refused);
      expect(errors.map((e) => [e.file, e.line])).toEqual([[`${APP}/services/s/endpoints.ts`, 2]]);
    }
  });

  it.each(ROUTE_PAIR_CASES.map((c) => [c.title, c] as const))('two routes in one app: %s', (_title, testCase) => {
    const sources: Record<string, string> =
      testCase.service === 'same'
        ? { a: declaration('first', testCase.first) + declaration('second', testCase.second) }
        : { a: declaration('first', testCase.first), b: declaration('second', testCase.second) };
    const { errors } = analyze(sources);
    expect(errors.map((e) => e.code)).toEqual(testCase.conflict ? ['duplicate-route'] : []);
  });

  it.each(SERVICE_NAME_CASES.map((c) => [c.name, c] as const))('service name %s', (name, testCase) => {
    const { services, errors } = analyze({ [name]: '' });
    if (testCase.refused === undefined) expect({ services: services.map((s) => s.name), errors }).toEqual({ services: [name], errors: [] });
    else expect(formatAnalysisErrors(errors)).toContain(testCase.refused);
  });
});
