import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildRuntime } from '../__fixtures__/child';

/**
 * PGlite is for development and tests: a service bundled for production, which imports
 * `SQLDatabase` and the host, must contain neither PGlite nor its socket server, and esbuild
 * must have nothing to say about how the runtime loads them.
 */
beforeAll(() => buildRuntime(), 120_000);

it('leaves PGlite out of a production bundle of a service with a database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'topo-bundle-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        "import { SQLDatabase, Service, api } from '@topo/runtime';",
        "import { runProcess } from '@topo/runtime/host';",
        "const db = new SQLDatabase('orders', { migrations: './migrations' });",
        "const list = api({ method: 'GET', path: '/orders' }, async () => db.queryAll`SELECT id FROM orders`);",
        "runProcess({ app: 'a', process: 'orders', edge: false, services: [{ service: new Service('orders'), endpoints: [{ name: 'list', endpoint: list }] }] });",
      ].join('\n'),
    );
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', write: false, logLevel: 'silent', nodePaths: [join(__dirname, '..', '..', '..', '..', 'node_modules')], metafile: true });
    const inputs = Object.keys(result.metafile.inputs);
    expect({
      warnings: result.warnings.map((warning) => warning.text),
      pglite: inputs.filter((input) => input.includes('@electric-sql')),
      pg: inputs.some((input) => /node_modules\/pg\/lib\/index\.js$/.test(input)),
      embeddedCode: inputs.filter((input) => /dist\/(embedded|testing)\//.test(input)),
    }).toEqual({ warnings: [], pglite: [], pg: true, embeddedCode: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
