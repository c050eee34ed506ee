import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandResult, copyFixtureWorkspace, removeWorkspace, runNx } from '../../testing/fixture-workspace';

/**
 * `nx build` through the real Nx CLI on the fixture app (orders calls greeter and users,
 * greeter calls users): the inferred targets, and Nx's cache per service: after an edit to
 * one service, a second build runs that service's bundle and image tasks again and takes
 * the others from the cache.
 */

const FIXTURE = join(__dirname, '..', 'serve', '__fixtures__', 'shop');

jest.setTimeout(180_000);

/** `nx run <project>:<target>` lines of a static-style run: the tasks that ran and those that came from the cache. */
function tasks(result: CommandResult): { ran: string[]; cached: string[] } {
  const lines = result.output.split('\n').filter((line) => /^> nx run \S+:\S+/.test(line.trim()));
  const task = (line: string) => /nx run (\S+:\S+)/.exec(line)![1];
  return {
    ran: lines.filter((l) => !/\[(local cache|remote cache|existing outputs match the cache, left as is)\]/.test(l)).map(task).sort(),
    cached: lines.filter((l) => /\[(local cache|remote cache|existing outputs match the cache, left as is)\]/.test(l)).map(task).sort(),
  };
}

const exitOf = (result: CommandResult) => (result.status === 0 ? 'exit 0' : `exit ${result.status}\n${result.output}`);

describe('nx build through the Nx CLI', () => {
  let root: string;

  beforeAll(() => {
    root = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-build-cli-' });
    writeFileSync(join(root, 'nx.json'), `${JSON.stringify({ plugins: ['@topo/nx'] }, null, 2)}\n`);
    writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'shop-workspace', version: '0.0.0', private: true }, null, 2)}\n`);
  });

  afterAll(() => removeWorkspace(root));

  const build = (...args: string[]) => runNx(root, ['build', 'shop', '--engine=none', '--output-style=static', ...args]);

  it('infers a build and a container target on each service, and a build target on the app', async () => {
    // Every project's configuration, as `nx show project <name> --json` prints it, from one Nx run.
    const file = join(root, '.nx', 'build-cli-graph.json');
    const result = await runNx(root, ['graph', `--file=${file}`]);
    expect(exitOf(result)).toBe('exit 0');
    const { nodes } = (JSON.parse(readFileSync(file, 'utf8')) as { graph: { nodes: Record<string, { data: { targets?: Record<string, unknown> } }> } }).graph;
    const targets = (name: string) => nodes[name]?.data.targets ?? {};
    expect(targets('orders').build).toMatchObject({ executor: '@topo/nx:build-service', cache: true, options: { app: 'shop' }, outputs: ['{workspaceRoot}/dist/shop/services/orders'] });
    expect(targets('orders').container).toMatchObject({ executor: '@topo/nx:container', cache: true, dependsOn: [{ target: 'build', params: 'forward' }] });
    expect(targets('shop').build).toMatchObject({ executor: '@topo/nx:build', dependsOn: [{ target: 'container', dependencies: true, params: 'forward' }] });
  });

  it('nx build shop --topology=mono builds the monolith alone: the service tasks have nothing to do', async () => {
    const result = await build('--topology=mono');
    expect(exitOf(result)).toBe('exit 0');
    expect(existsSync(join(root, 'dist/shop/mono/main.js'))).toBe(true);
    expect(existsSync(join(root, 'dist/shop/services'))).toBe(false);
  });

  it('nx build shop --topology=micro builds each service as a task, then the gateway, compose and Kubernetes files', async () => {
    const result = await build('--topology=micro');
    expect(exitOf(result)).toBe('exit 0');
    expect(tasks(result)).toEqual({
      ran: ['greeter:build', 'greeter:container', 'orders:build', 'orders:container', 'shop:build', 'users:build', 'users:container'],
      cached: [],
    });
    for (const file of ['services/orders/main.js', 'services/users/Dockerfile', 'micro/gateway/main.js', 'micro/docker-compose.yml', 'micro/k8s/kustomization.yaml']) {
      expect(existsSync(join(root, 'dist/shop', file))).toBe(true);
    }
  });

  it('after an edit to orders, rebuilds only orders: the other services come from the cache', async () => {
    const file = join(root, 'apps/shop/services/orders/orders.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n(globalThis as { ordersEdition?: string }).ordersEdition = 'edited for the cache test';\n`);
    const result = await build('--topology=micro');
    expect(exitOf(result)).toBe('exit 0');
    expect(tasks(result)).toEqual({
      ran: ['orders:build', 'orders:container', 'shop:build'],
      cached: ['greeter:build', 'greeter:container', 'users:build', 'users:container'],
    });
    expect(readFileSync(join(root, 'dist/shop/services/orders/main.js'), 'utf8')).toContain('edited for the cache test');
  });

  it('refuses an unknown engine, saying which there are', async () => {
    const result = await runNx(root, ['build', 'shop', '--topology=micro', '--engine=lxc', '--skip-nx-cache']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/engine[\s\S]*auto[\s\S]*podman[\s\S]*docker[\s\S]*none/);
  });
});
