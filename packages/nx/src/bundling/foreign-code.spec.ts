import { build } from 'esbuild';
import { join } from 'node:path';
import { createTempWorkspace, type TempWorkspace } from '../analysis/__fixtures__/temp-workspace';
import type { ServiceProcessPlan } from '../app/process-plan';
import { assertOwnCodeOnly, foreignServiceCode } from './foreign-code';

describe('a process bundle holds only its own services’ code', () => {
  let workspace: TempWorkspace;

  beforeAll(() => {
    workspace = createTempWorkspace({
      'apps/api/services/hello/hello.ts': `export const greet = (name: string) => 'Hello, ' + name;\n`,
      'apps/api/services/hello/client.ts': `export const hello = { h1: 1 };\n`,
      // yo reaches hello through its client, and once past it, through a relative path.
      'apps/api/services/yo/yo.ts': `import { hello } from '../hello/client';\nimport { greet } from '../hello/hello';\nexport const both = [hello, greet('yo')];\n`,
      'apps/api/services/yo/only-client.ts': `import { hello } from '../hello/client';\nexport const only = hello;\n`,
    });
  });

  afterAll(() => workspace.remove());

  const plan: () => ServiceProcessPlan = () => ({
    kind: 'process',
    name: 'yo',
    edge: false,
    services: [],
    others: [{ name: 'hello', root: join(workspace.root, 'apps/api/services/hello'), clientFile: join(workspace.root, 'apps/api/services/hello/client.ts') }],
  });

  async function metafileOf(entry: string) {
    const result = await build({ entryPoints: [join(workspace.root, entry)], absWorkingDir: workspace.root, bundle: true, write: false, metafile: true, platform: 'node', logLevel: 'silent' });
    return result.metafile;
  }

  it('finds a file of another service, and the module that imported it, but allows its client module', async () => {
    expect(foreignServiceCode(plan(), await metafileOf('apps/api/services/yo/yo.ts'), workspace.root)).toEqual([
      { file: 'apps/api/services/hello/hello.ts', service: 'hello', importer: 'apps/api/services/yo/yo.ts' },
    ]);
    expect(foreignServiceCode(plan(), await metafileOf('apps/api/services/yo/only-client.ts'), workspace.root)).toEqual([]);
  });

  it('refuses such a bundle with the file, the importer and the way out', async () => {
    const metafile = await metafileOf('apps/api/services/yo/yo.ts');
    expect(() => assertOwnCodeOnly('api', plan(), metafile, workspace.root)).toThrow(
      `Process yo of app api would hold the code of services it does not host:\n  apps/api/services/hello/hello.ts (service "hello"), imported by apps/api/services/yo/yo.ts\n` +
        `A service reaches another only through that service's client module`,
    );
  });
});
