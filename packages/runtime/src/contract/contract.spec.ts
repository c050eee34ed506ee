import { api, endpointInfo } from '../api';
import { planHost, type HostedEndpoint } from '../host/plan';
import { Service } from '../service';
import { ENDPOINT_OPTIONS_CASES, ROUTE_PAIR_CASES, SERVICE_NAME_CASES, type EndpointOptionsCase } from './contract.cases';

/**
 * The runtime's side of the conformance table: each case declared with `api()` /
 * `api.raw()` and served by one process, as `runProcess` would. `@topo/nx` runs the same
 * table through its static analysis (packages/nx/src/analysis/contract.spec.ts).
 */

function declare({ kind, options }: Pick<EndpointOptionsCase, 'kind' | 'options'>): HostedEndpoint['endpoint'] {
  return kind === 'raw' ? api.raw(options as never, (_req, res) => void res.end()) : api(options as never, async () => ({}));
}

/** What happened: the declaration as the host reads it, or the error it threw. */
function outcome(run: () => unknown): { accepted: unknown } | { refused: string } {
  try {
    return { accepted: run() };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

describe('the endpoint contract, as the runtime enforces it', () => {
  it.each(ENDPOINT_OPTIONS_CASES.map((c) => [c.title, c] as const))('endpoint options: %s', (_title, testCase) => {
    const result = outcome(() => {
      const endpoint = declare(testCase);
      planHost([{ service: new Service('s'), endpoints: [{ name: 'e', endpoint }] }]);
      const info = endpointInfo(endpoint)!;
      return { expose: info.expose, methods: info.methods === '*' ? ['*'] : [...info.methods], path: info.path };
    });
    if (testCase.refused === undefined) expect(result).toEqual({ accepted: testCase.means });
    else expect(result).toEqual({ refused: expect.stringContaining(testCase.refused) });
  });

  it.each(ROUTE_PAIR_CASES.map((c) => [c.title, c] as const))('two routes in one process: %s', (_title, testCase) => {
    const [first, second] = [declare(testCase.first), declare(testCase.second)];
    const services =
      testCase.service === 'same'
        ? [{ service: new Service('a'), endpoints: [{ name: 'first', endpoint: first }, { name: 'second', endpoint: second }] }]
        : [
            { service: new Service('a'), endpoints: [{ name: 'first', endpoint: first }] },
            { service: new Service('b'), endpoints: [{ name: 'second', endpoint: second }] },
          ];
    const result = outcome(() => planHost(services));
    expect('refused' in result ? result.refused : 'no conflict').toEqual(testCase.conflict ? expect.stringContaining('route conflict') : 'no conflict');
  });

  it.each(SERVICE_NAME_CASES.map((c) => [c.name, c] as const))('service name %s', (name, testCase) => {
    const result = outcome(() => new Service(name).name);
    if (testCase.refused === undefined) expect(result).toEqual({ accepted: name });
    else expect(result).toEqual({ refused: expect.stringContaining(testCase.refused) });
  });
});
