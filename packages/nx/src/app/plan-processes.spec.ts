import type { EndpointInfo } from '../analysis';
import { planProcesses, type PlanInputService } from './plan-processes';

function endpoint(exportName: string, options: Partial<EndpointInfo>): EndpointInfo {
  return {
    service: 'files',
    exportName,
    file: 'apps/shop/services/files/files.ts',
    line: 1,
    start: 0,
    end: 0,
    kind: 'typed',
    expose: true,
    methods: ['POST'],
    path: `/${exportName}`,
    pathParams: [],
    ...options,
  };
}

const files: PlanInputService = {
  name: 'files',
  root: 'apps/shop/services/files',
  serviceFile: 'apps/shop/services/files/service.ts',
  endpoints: [
    endpoint('upload', { bodyLimit: 64 * 1024 }),
    endpoint('note', { methods: ['GET', 'POST'], bodyLimit: 1024 * 1024 }),
    // A limit the analysis could not read (not a literal): the service alone holds it.
    endpoint('computed', {}),
    endpoint('stream', { kind: 'raw', methods: ['*'] }),
    endpoint('internal', { expose: false, bodyLimit: 10 }),
  ],
};
const users: PlanInputService = { name: 'users', root: 'apps/shop/services/users', serviceFile: 'apps/shop/services/users/service.ts', endpoints: [] };

describe('planProcesses', () => {
  it('plans one edge process and no gateway for the monolith', () => {
    const plans = planProcesses('/ws', [{ name: 'mono', services: ['files', 'users'] }], [files, users], new Map());
    expect(plans.map((plan) => [plan.kind, plan.name, plan.kind === 'process' && plan.edge])).toEqual([['process', 'mono', true]]);
  });

  it("gives the gateway every public route, with the endpoint's body limit where the analysis read one", () => {
    const plans = planProcesses('/ws', [{ name: 'files', services: ['files'] }, { name: 'users', services: ['users'] }], [files, users], new Map());
    const gateway = plans.find((plan) => plan.kind === 'gateway');
    expect(gateway?.kind === 'gateway' && gateway.routes).toEqual([
      { method: 'POST', path: '/upload', service: 'files', bodyLimit: 65536 },
      { method: 'GET', path: '/note', service: 'files', bodyLimit: 1048576 },
      { method: 'POST', path: '/note', service: 'files', bodyLimit: 1048576 },
      { method: 'POST', path: '/computed', service: 'files' },
      { method: '*', path: '/stream', service: 'files' },
    ]);
  });
});
