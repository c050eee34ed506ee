import { updateTestHosts } from './test-hosts';

const hostOf = (name: string, entries: string[], comment: string) =>
  [
    comment,
    `const ${name} = createHost({`,
    `  app: 'test',`,
    `  process: 'test',`,
    `  edge: false,`,
    `  register: true,`,
    `  services: [`,
    ...entries.map((entry) => `    ${entry},`),
    `  ],`,
    `});`,
    `afterAll(() => ${name}.close());`,
  ].join('\n');

const SPLIT = '// Since the split, the code under test calls "ledger" through its client: host it in this process, as the monolith does.';

describe('updateTestHosts', () => {
  const file = 'apps/bank/services/accounts/accounts.spec.ts';
  const context = (ownTest: boolean) => ({ hostsRemaining: (specifier: string) => specifier === './service', ownTest });

  it('removes, from a test of the remaining service, the host the split added for the merged one, its closer and its imports', () => {
    const text = [
      `import { getAccount } from './accounts';`,
      `import { createHost } from '@topo/runtime/host';`,
      `import ledgerService from './service';`,
      `import * as ledgerEndpoints from './accounts';`,
      ``,
      hostOf('splitHost', [`{ service: ledgerService, endpoints: [{ name: 'balance', endpoint: ledgerEndpoints.balance }] }`], SPLIT),
      ``,
      `it('finds an account', () => getAccount({ id: 1 }));`,
      ``,
    ].join('\n');

    expect(updateTestHosts(file, text, context(true))).toBe(`import { getAccount } from './accounts';\n\nit('finds an account', () => getAccount({ id: 1 }));\n`);
  });

  it("keeps a host of the test's own: only the remaining service's entries leave it", () => {
    const text = [
      `import { createHost } from '@topo/runtime/host';`,
      `import * as safetyEndpoints from '../safety/safety';`,
      `import safetyService from '../safety/service';`,
      `import linksService from './service';`,
      `import * as urlsEndpoints from './urls';`,
      ``,
      hostOf('host', [`{ service: safetyService, endpoints: [{ name: 'check', endpoint: safetyEndpoints.check }] }`, `{ service: linksService, endpoints: [{ name: 'get', endpoint: urlsEndpoints.get }] }`], '// shorten asks the safety service: host it.'),
      ``,
    ].join('\n');

    const result = updateTestHosts('apps/s/services/links/urls.spec.ts', text, context(true));
    expect(result).toContain(`services: [\n    { service: safetyService, endpoints: [{ name: 'check', endpoint: safetyEndpoints.check }] },\n  ],`);
    expect(result).toContain('afterAll(() => host.close());');
    expect(result).not.toContain('linksService');
    expect(result).not.toContain('urlsEndpoints');
    expect(result).toContain(`import safetyService from '../safety/service';`);
  });

  it("joins, in another service's test, the entries that host the remaining service: one entry, every endpoint", () => {
    const text = [
      `import { createHost } from '@topo/runtime/host';`,
      `import helloService from '../hello/service';`,
      `import yoService from '../hello/service';`,
      ``,
      hostOf('host', [`{ service: helloService, endpoints: [{ name: 'h1', endpoint: h1 }] }`, `{ service: yoService, endpoints: [{ name: 'h2', endpoint: h2 }] }`], '// web calls hello.'),
      ``,
    ].join('\n');

    const result = updateTestHosts('apps/api/services/web/web.spec.ts', text, { hostsRemaining: (s) => s === '../hello/service', ownTest: false });
    expect(result).toContain(`{ service: helloService, endpoints: [{ name: 'h1', endpoint: h1 }, { name: 'h2', endpoint: h2 }] },\n  ],`);
    expect(result).not.toContain('yoService');
  });

  it('leaves a module without hosts as it is', () => {
    const text = `import { h1 } from './hello';\n\nit('greets', () => h1());\n`;
    expect(updateTestHosts(file, text, context(true))).toBe(text);
  });
});
