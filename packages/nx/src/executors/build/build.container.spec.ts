import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeOnHost, type HostedProcess, waitForHealth } from '../../testing/built-processes';
import { copyFixtureWorkspace, removeWorkspace, runNx } from '../../testing/fixture-workspace';
import { buildNodeBaseImage, hasPodman, type PodmanSandbox, podmanSandbox } from '../../testing/podman';
import { answersIn, replay } from '../../testing/serve-replay';
import { SHOP_REQUESTS } from '../serve/__fixtures__/shop-requests';
import { findFreePorts } from '../serve/lib/ports';

/**
 * The images `nx build --engine=podman` makes, run for real: a base image built FROM scratch
 * with this machine's node (nothing can be pulled here), the micro images on top of it
 * (`--baseImage`), each container with host networking and the environment the compose file
 * gives, and every request through the gateway container; then the same for the mono image.
 * Everything the test makes lives in a podman storage of its own, removed at the end.
 *
 * CI installs podman (.ci/run); elsewhere, without podman, the test is skipped.
 */

const FIXTURE = join(__dirname, '..', 'serve', '__fixtures__', 'shop');
const BASE_IMAGE = 'localhost/topo-test-node-base:latest';

const REQUESTS = SHOP_REQUESTS;

jest.setTimeout(300_000);

const available = hasPodman();
if (!available && process.env.CI === 'true') {
  throw new Error('podman is not installed: CI needs it for the container tests (.ci/run installs it with apt-get).');
}

(available ? describe : describe.skip)('container images from nx build --engine=podman', () => {
  let root: string;
  let sandbox: PodmanSandbox;
  let served: Awaited<ReturnType<typeof answersIn>>;
  const containers: string[] = [];

  beforeAll(async () => {
    root = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-build-podman-' });
    writeFileSync(join(root, 'nx.json'), `${JSON.stringify({ plugins: ['@topo/nx'] }, null, 2)}\n`);
    writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'shop-workspace', version: '0.0.0', private: true }, null, 2)}\n`);
    sandbox = podmanSandbox();
    buildNodeBaseImage(sandbox, BASE_IMAGE);
    const [port] = await findFreePorts(1, '127.0.0.1');
    served = await answersIn({ workspaceRoot: root, appName: 'shop', appRoot: 'apps/shop', port }, 'mono', REQUESTS);
  });

  afterEach(() => {
    for (const name of containers.splice(0)) sandbox.podman(['rm', '--force', '--time', '10', name]);
  });

  afterAll(() => {
    sandbox?.dispose();
    removeWorkspace(root);
  });

  async function build(topology: string): Promise<void> {
    const result = await runNx(root, ['build', 'shop', `--topology=${topology}`, '--engine=podman', `--baseImage=${BASE_IMAGE}`, '--tag=test', '--output-style=static']);
    expect(result.status === 0 ? 'built' : result.output).toBe('built');
  }

  /** Starts a container of `process` with host networking and its environment; waits until it is healthy. */
  async function start(process: HostedProcess): Promise<string> {
    const name = `topo-test-${process.name}-${Date.now()}`;
    const env = Object.entries(process.env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    sandbox.podman(['run', '--detach', '--name', name, '--network', 'host', '--no-healthcheck', ...env, '--env', 'HOST=127.0.0.1', process.image]);
    containers.push(name);
    await waitForHealth(process.port, () => sandbox.podman(['logs', name]));
    return name;
  }

  it('builds an image per process and the gateway, non-root, with a health check, answering every request as nx serve does', async () => {
    await build('micro');
    const processes = await composeOnHost(join(root, 'dist/shop/micro'));
    expect(processes.map((p) => p.image).sort()).toEqual(['shop-gateway:test', 'shop-greeter:test', 'shop-orders:test', 'shop-users:test']);
    for (const process of processes) {
      const [config] = JSON.parse(sandbox.podman(['image', 'inspect', process.image]));
      expect({ image: process.image, user: config.Config.User }).toEqual({ image: process.image, user: '1000:1000' });
      expect(JSON.stringify(config.Healthcheck ?? config.Config.Healthcheck)).toContain('/__topo/health');
    }
    const names = [];
    for (const process of processes) names.push(await start(process));
    const gateway = processes.find((p) => p.name === 'gateway')!;
    expect(await replay(gateway.port, REQUESTS)).toEqual(served);

    // Node is PID 1 and handles SIGTERM: the container stops at once, having said so.
    const stopping = Date.now();
    sandbox.podman(['stop', '--time', '10', names[names.length - 1]]);
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect(sandbox.podman(['logs', names[names.length - 1]])).toContain('received SIGTERM');
  });

  it('builds the mono image, answering every request as nx serve does', async () => {
    await build('mono');
    const [port] = await findFreePorts(1, '127.0.0.1');
    await start({ name: 'mono', dir: join(root, 'dist/shop/mono'), image: 'shop-mono:test', port, edge: true, env: { PORT: String(port) } });
    expect(await replay(port, REQUESTS)).toEqual(served);
  });
});
