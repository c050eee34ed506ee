import { createTempWorkspace, serviceFile, type TempWorkspace } from './__fixtures__/temp-workspace';
import { formatAnalysisErrors } from './errors';
import { findServices } from './services';

describe('findServices', () => {
  let workspace: TempWorkspace;

  beforeEach(() => {
    workspace = createTempWorkspace();
  });

  afterEach(() => workspace.remove());

  it('finds each service.ts that default-exports new Service(name), with its root', () => {
    workspace.write({
      'apps/api/services/hello/service.ts': serviceFile('hello'),
      'apps/api/services/yo/service.ts': serviceFile('yo'),
    });

    const { services, errors } = findServices(workspace.root);

    expect(errors).toEqual([]);
    expect(services).toEqual([
      { name: 'hello', root: 'apps/api/services/hello', serviceFile: 'apps/api/services/hello/service.ts', line: 3 },
      { name: 'yo', root: 'apps/api/services/yo', serviceFile: 'apps/api/services/yo/service.ts', line: 3 },
    ]);
  });

  it('reads the service through a variable, an alias or a namespace import', () => {
    workspace.write({
      'a/service.ts': `import { Service } from '@topo/runtime';\nconst service = new Service('a', { middleware: [] });\nexport default service;\n`,
      'b/service.ts': `import { Service as S } from '@topo/runtime';\nexport default new S('b') satisfies S;\n`,
      'c/service.ts': `import * as topo from '@topo/runtime';\nexport default new topo.Service(\`c\`);\n`,
    });

    const { services, errors } = findServices(workspace.root);

    expect(errors).toEqual([]);
    expect(services.map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('ignores service.ts files that do not use the runtime and folders that hold no code', () => {
    workspace.write({
      'libs/ui/service.ts': `export default class Service {}\n`,
      'node_modules/pkg/service.ts': serviceFile('pkg'),
      'dist/apps/api/service.ts': serviceFile('built'),
      '.nx/cache/service.ts': serviceFile('cached'),
      'src/__fixtures__/shop/service.ts': serviceFile('fixture'),
      'apps/api/hello/service.ts': serviceFile('hello'),
    });

    const { services, errors } = findServices(workspace.root);

    expect(errors).toEqual([]);
    expect(services.map((s) => s.name)).toEqual(['hello']);
  });

  it('only considers the files it is given', () => {
    workspace.write({ 'a/service.ts': serviceFile('a'), 'b/service.ts': serviceFile('b') });

    expect(findServices(workspace.root, { files: ['b/service.ts', 'b/b.ts'] }).services.map((s) => s.name)).toEqual(['b']);
  });

  it('reports a name that is not kebab-case, with a suggestion', () => {
    workspace.write({ 'apps/api/orders/service.ts': serviceFile('OrderService') });

    const { services, errors } = findServices(workspace.root);

    expect(services).toEqual([]);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'invalid-service-name',
        file: 'apps/api/orders/service.ts',
        line: 3,
        message: expect.stringContaining('"OrderService"'),
        fix: expect.stringContaining('"order-service"'),
      }),
    ]);
  });

  it('reports a duplicate name, naming both files', () => {
    workspace.write({ 'apps/a/hello/service.ts': serviceFile('hello'), 'apps/b/hello/service.ts': serviceFile('hello') });

    const { services, errors } = findServices(workspace.root);

    expect(services.map((s) => s.root)).toEqual(['apps/a/hello']);
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('duplicate-service');
    expect(errors[0].message).toContain('apps/a/hello/service.ts');
    expect(errors[0].message).toContain('apps/b/hello/service.ts');
  });

  it('reports a service nested in another, naming both files', () => {
    workspace.write({ 'api/hello/service.ts': serviceFile('hello'), 'api/hello/inner/service.ts': serviceFile('inner') });

    const { services, errors } = findServices(workspace.root);

    expect(services.map((s) => s.name)).toEqual(['hello']);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'nested-service',
        file: 'api/hello/inner/service.ts',
        message: expect.stringMatching(/api\/hello\/inner\/service\.ts.*api\/hello\/service\.ts/),
      }),
    ]);
  });

  it('reports a service.ts that imports the runtime but exports no literal Service', () => {
    workspace.write({
      'a/service.ts': `import { Service } from '@topo/runtime';\nexport const a = new Service('a');\n`,
      'b/service.ts': `import { Service } from '@topo/runtime';\nconst name = 'b';\nexport default new Service(name);\n`,
    });

    const { services, errors } = findServices(workspace.root);

    expect(services).toEqual([]);
    expect(errors.map((e) => [e.code, e.file, e.line])).toEqual([
      ['missing-service-export', 'a/service.ts', undefined],
      ['missing-service-export', 'b/service.ts', 3],
    ]);
    expect(formatAnalysisErrors(errors)).toContain(`b/service.ts:3: The service name is not a string literal`);
  });
});
