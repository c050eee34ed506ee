import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildApp } from '../../deploy/build-app';
import { composeOnHost, type HostedProcess, waitForHealth } from '../../testing/built-processes';
import { type CommandResult, copyFixtureWorkspace, removeWorkspace, runNx } from '../../testing/fixture-workspace';
import { pathWithout } from '../../testing/hidden-command';
import { buildNodeBaseImage, hasPodman, type PodmanSandbox, podmanSandbox } from '../../testing/podman';
import { answersIn, replay } from '../../testing/serve-replay';
import { SHOP_REQUESTS } from '../serve/__fixtures__/shop-requests';
import { findFreePorts } from '../serve/lib/ports';

/**
 * `nx build` and the `container` targets through the real Nx CLI on the fixture app (orders
 * calls greeter and users, greeter calls users): the inferred targets; `nx build` with no
 * engine on the PATH (bundles, compose and Kubernetes files, one task); the services'
 * `container` targets with podman hidden from the PATH (a clear failure, nothing cached),
 * then with podman (the images built, not the failure replayed), then hidden again (the
 * success not replayed either: the engines on the PATH are part of the cache key); the
 * app's `container` target (every image, the gateway's among them); and Nx's cache per
 * service: after an edit to one service, only its bundle and image build again.
 *
 * The images run for real: a base image built FROM scratch with this machine's node
 * (nothing can be pulled here), the images on top of it (`--baseImage`), run by
 * podman-compose and podman kube play; then the mono image. Everything lives in a podman
 * storage of its own, removed at the end. CI installs podman (.ci/run); elsewhere the image
 * tests are skipped.
 *
 * `nx build --topology=mono` through the CLI is in the e2e suite (tools/e2e/src/topo.spec.ts);
 * every topology's build run from dist, in build.spec.ts.
 */

const FIXTURE = join(__dirname, '..', 'serve', '__fixtures__', 'shop');
const BASE_IMAGE = 'localhost/topo-test-node-base:latest';
const REQUESTS = SHOP_REQUESTS;

jest.setTimeout(300_000);

const podman = hasPodman();
if (!podman && process.env.CI === 'true') {
  throw new Error('podman is not installed: CI needs it for the container tests (.ci/run installs it with apt-get).');
}
const withPodman = podman ? it : it.skip;

/** `nx run <project>:<target>` lines of a static-style run: the tasks that ran and those that came from the cache. */
function tasks(result: CommandResult): { ran: string[]; cached: string[] } {
  const lines = result.output.split('\n').filter((line) => /^> nx run \S+:\S+/.test(line.trim()));
  const task = (line: string) => /nx run (\S+:\S+)/.exec(line)![1];
  return {
    ran: lines.filter((l) => !/\[(local cache|remote cache|existing outputs match the cache, left as is)\]/.test(l)).map(task).sort(),
    cached: lines.filter((l) => /\[(local cache|remote cache|existing outputs match the cache, left as is)\]/.test(l)).map(task).sort(),
  };
}

/** The port the compose file publishes the gateway on. */
function readGatewayPort(micro: string): number {
  const match = /ports:\s*\n\s*- (\d+):\d+/.exec(readFileSync(join(micro, 'docker-compose.yml'), 'utf8'));
  if (!match) throw new Error('the compose file publishes no port');
  return Number(match[1]);
}

/** Polls `ready` every 250 ms until it holds, or fails after 60 s with what `printed` says. */
async function waitFor(ready: () => boolean, printed: () => string): Promise<void> {
  for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 250))) {
    if (ready()) return;
  }
  throw new Error(`not ready after 60 s:\n${printed()}`);
}

const exitOf = (result: CommandResult) => (result.status === 0 ? 'exit 0' : `exit ${result.status}\n${result.output}`);

describe('nx build through the Nx CLI, and the images it builds', () => {
  let root: string;
  let sandbox: PodmanSandbox | undefined;
  let served: Awaited<ReturnType<typeof answersIn>>;
  const started: string[] = [];
  /** Stops what podman-compose started, while it runs. */
  let composeRunning: (() => void) | undefined;
  /** Stops what podman kube play started, while it runs. */
  let kubeRunning: (() => void) | undefined;

  beforeAll(async () => {
    root = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-build-cli-' });
    writeFileSync(join(root, 'nx.json'), `${JSON.stringify({ plugins: ['@topo/nx'] }, null, 2)}\n`);
    writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'shop-workspace', version: '0.0.0', private: true }, null, 2)}\n`);
    if (podman) {
      sandbox = podmanSandbox();
      buildNodeBaseImage(sandbox, BASE_IMAGE);
      const [port] = await findFreePorts(1, '127.0.0.1');
      served = await answersIn({ workspaceRoot: root, appName: 'shop', appRoot: 'apps/shop', port }, 'mono', REQUESTS);
    }
  });

  afterEach(() => {
    for (const name of started.splice(0)) sandbox?.podman(['rm', '--force', '--time', '10', name]);
    composeRunning?.();
    composeRunning = undefined;
    kubeRunning?.();
    kubeRunning = undefined;
  });

  afterAll(() => {
    sandbox?.dispose();
    removeWorkspace(root);
  });

  const build = (...args: string[]) => runNx(root, ['build', 'shop', `--baseImage=${BASE_IMAGE}`, '--tag=test', '--output-style=static', ...args]);
  const containers = (...args: string[]) => runNx(root, ['run-many', '-t', 'container', `--baseImage=${BASE_IMAGE}`, '--tag=test', '--output-style=static', ...args]);

  /** Runs `command` with podman not on the PATH. */
  async function withoutPodman<T>(command: () => Promise<T>): Promise<T> {
    const hidden = pathWithout('podman');
    const saved = process.env.PATH;
    process.env.PATH = hidden.path;
    try {
      return await command();
    } finally {
      process.env.PATH = saved;
      hidden.dispose();
    }
  }

  /** Starts a container of `process` with host networking and its environment; waits until it is healthy. */
  async function start(process: HostedProcess): Promise<string> {
    const name = `topo-test-${process.name}-${Date.now()}`;
    const env = Object.entries(process.env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    sandbox!.podman(['run', '--detach', '--name', name, '--network', 'host', '--no-healthcheck', ...env, '--env', 'HOST=127.0.0.1', process.image]);
    started.push(name);
    await waitForHealth(process.port, () => sandbox!.podman(['logs', name]));
    return name;
  }

  it('infers a build and a container target on each service, and a build target on the app', async () => {
    // Every project's configuration, as `nx show project <name> --json` prints it, from one Nx run.
    const file = join(root, '.nx', 'build-cli-graph.json');
    const result = await runNx(root, ['graph', `--file=${file}`]);
    expect(exitOf(result)).toBe('exit 0');
    const { nodes } = (JSON.parse(readFileSync(file, 'utf8')) as { graph: { nodes: Record<string, { data: { targets?: Record<string, unknown> } }> } }).graph;
    const targets = (name: string) => nodes[name]?.data.targets ?? {};
    expect(targets('orders').build).toMatchObject({ executor: '@topo/nx:build-service', cache: true, options: { app: 'shop' }, outputs: ['{workspaceRoot}/dist/shop/services/orders'] });
    expect(targets('orders').container).toMatchObject({
      executor: '@topo/nx:container',
      cache: true,
      inputs: ['default', '^default', { runtime: 'command -v podman docker || true' }],
      dependsOn: [{ target: 'build', params: 'ignore' }],
    });
    expect(targets('shop').build).toMatchObject({ executor: '@topo/nx:build' });
    expect(targets('shop').build).not.toHaveProperty('dependsOn');
    expect(targets('shop').container).toMatchObject({ executor: '@topo/nx:container', dependsOn: [{ target: 'build', params: 'forward' }] });
  });

  it('nx build shop --topology=micro needs no engine: with podman off the PATH, one task writes every bundle, compose and Kubernetes file', async () => {
    const result = await withoutPodman(() => build('--topology=micro'));
    expect(exitOf(result)).toBe('exit 0');
    expect(tasks(result)).toEqual({ ran: ['shop:build'], cached: [] });
    for (const file of ['services/orders/main.js', 'services/users/Dockerfile', 'micro/gateway/main.js', 'micro/docker-compose.yml', 'micro/k8s/kustomization.yaml']) {
      expect(existsSync(join(root, 'dist/shop', file))).toBe(true);
    }
    expect(result.output).toContain('nx run shop:container --topology=micro');
  });

  it('nx run-many -t container with podman off the PATH fails saying what it looked for, after the bundles are written; nothing is cached', async () => {
    rmSync(join(root, 'dist/shop/services'), { recursive: true, force: true });
    const result = await withoutPodman(() => containers('--exclude=shop'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('No container engine can build images here: --engine=auto looked for podman, then docker on the PATH');
    expect(tasks(result).ran).toEqual(['greeter:build', 'greeter:container', 'orders:build', 'orders:container', 'users:build', 'users:container']);
    for (const service of ['greeter', 'orders', 'users']) expect(existsSync(join(root, 'dist/shop/services', service, 'main.js'))).toBe(true);
  });

  withPodman('then with podman on the PATH builds the images instead of replaying the failure; hidden again, does not replay the success', async () => {
    const result = await containers('--exclude=shop');
    expect(exitOf(result)).toBe('exit 0');
    expect(tasks(result)).toEqual({ ran: ['greeter:container', 'orders:container', 'users:container'], cached: ['greeter:build', 'orders:build', 'users:build'] });
    for (const service of ['greeter', 'orders', 'users']) sandbox!.podman(['image', 'exists', `shop-${service}:test`]);

    const again = await containers('--exclude=shop');
    expect(tasks(again)).toEqual({ ran: [], cached: ['greeter:build', 'greeter:container', 'orders:build', 'orders:container', 'users:build', 'users:container'] });
    const hidden = await withoutPodman(() => containers('--exclude=shop'));
    expect(hidden.status).not.toBe(0);
    expect(hidden.output).toContain('No container engine can build images here');
  });

  withPodman('names the base image and --baseImage when podman cannot find or pull it', async () => {
    const result = await runNx(root, ['run', 'users:container', '--baseImage=localhost:1/topo-no-such-base:1', '--output-style=static']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('podman cannot find or pull the base image localhost:1/topo-no-such-base:1');
    expect(result.output).toContain('Pass --baseImage=');
  });

  withPodman('nx run shop:container --topology=micro builds every image of the topology, the gateway\'s among them, after the build', async () => {
    const result = await runNx(root, ['run', 'shop:container', '--topology=micro', `--baseImage=${BASE_IMAGE}`, '--tag=test', '--output-style=static']);
    expect(exitOf(result)).toBe('exit 0');
    expect(tasks(result)).toEqual({ ran: ['shop:build', 'shop:container'], cached: [] });
    for (const process of ['gateway', 'greeter', 'orders', 'users']) sandbox!.podman(['image', 'exists', `shop-${process}:test`]);
  });

  withPodman('has built an image per process and the gateway, non-root, with a health check, that podman-compose runs from the compose file, answering every request as nx serve does', async () => {
    const micro = join(root, 'dist/shop/micro');
    const processes = await composeOnHost(micro);
    expect(processes.map((p) => p.image).sort()).toEqual(['shop-gateway:test', 'shop-greeter:test', 'shop-orders:test', 'shop-users:test']);
    for (const process of processes) {
      const [config] = JSON.parse(sandbox!.podman(['image', 'inspect', process.image]));
      expect({ image: process.image, user: config.Config.User }).toEqual({ image: process.image, user: '1000:1000' });
      expect(JSON.stringify(config.Healthcheck ?? config.Config.Healthcheck)).toContain('/__topo/health');
    }

    // The compose file as written (its network, names, ports, read-only root filesystems and
    // dropped capabilities), run by a real engine: podman-compose.
    const gatewayPort = readGatewayPort(micro);
    const compose = (...args: string[]) =>
      execFileSync('podman-compose', ['-f', join(micro, 'docker-compose.yml'), ...args], {
        cwd: micro,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TOPO_SECRET: randomBytes(32).toString('hex') },
      });
    composeRunning = () => {
      compose('down', '-t', '2');
      // podman-compose 1.0 leaves the project's network (kept outside the sandbox's storage).
      spawnSync('podman', ['network', 'rm', '--force', 'micro_default'], { env: process.env });
    };
    compose('up', '-d', '--no-build');
    // podman-compose 1.0 (Debian 12's) names the project after the folder, not the file's `name`.
    const names = sandbox!.podman(['ps', '--filter', `label=com.docker.compose.project.working_dir=${micro}`, '--format', '{{.Names}}']).trim().split('\n').sort();
    expect(names).toHaveLength(4);
    const gateway = names.find((name) => name.includes('gateway'))!;
    // Each service answers its health check, reached by its compose name from the gateway's container.
    await waitFor(() => {
      const script = `const d=JSON.parse(process.env.TOPO_DISCOVERY);Promise.all(Object.values(d).map(u=>new Promise((ok,no)=>require('http').get(u+'/__topo/health',r=>r.statusCode===200?ok():no()).on('error',no)))).then(()=>process.exit(0),()=>process.exit(1))`;
      return spawnSync('podman', ['exec', gateway, 'node', '-e', script], { env: process.env }).status === 0;
    }, () => compose('logs'));
    await waitForHealth(gatewayPort, () => compose('logs'));
    expect(await replay(gatewayPort, REQUESTS)).toEqual(served);

    // Node is PID 1 and handles SIGTERM: the container stops at once, having said so.
    const service = names.find((name) => name.includes('users'))!;
    const stopping = Date.now();
    sandbox!.podman(['stop', '--time', '10', service]);
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect(sandbox!.podman(['logs', service])).toContain('received SIGTERM');
    composeRunning();
    composeRunning = undefined;
  });

  withPodman('has Kubernetes manifests that podman kube play runs: every pod starts under the restricted security context and is healthy', async () => {
    const k8s = join(root, 'dist/shop/micro/k8s');
    // What podman 4.3's kube play runs of them: the ConfigMap and the Deployments (it has no
    // Service, NetworkPolicy or kustomization). It reads a secretKeyRef from a podman secret
    // holding {"<key>": "<base64>"}, the Secret `shop-internal` the manifests name.
    const play = join(root, 'dist/shop/kube-play.yaml');
    const files = readdirSync(k8s).filter((file) => file === 'configmap.yaml' || file.endsWith('-deployment.yaml'));
    // podman 4.3 publishes each containerPort on the host, which Kubernetes never does: the
    // services, all on 8080 in their own pods, would take one host port. Each Deployment
    // gets a free port of its own here (its containerPort and PORT), as a cluster needs not.
    const free = await findFreePorts(files.length, '127.0.0.1');
    const documents = files.map((file, i) => {
      const object = parse(readFileSync(join(k8s, file), 'utf8'));
      if (object.kind !== 'Deployment') return object;
      const [container] = object.spec.template.spec.containers;
      container.ports[0].containerPort = free[i];
      container.env.find((e: { name: string }) => e.name === 'PORT').value = String(free[i]);
      return object;
    });
    writeFileSync(play, documents.map((object) => stringify(object)).join('\n---\n'));
    const secret = join(root, 'dist/shop/kube-secret.json');
    writeFileSync(secret, JSON.stringify({ secret: Buffer.from(randomBytes(32).toString('hex')).toString('base64') }));
    sandbox!.podman(['secret', 'create', 'shop-internal', secret]);
    kubeRunning = () => spawnSync('podman', ['kube', 'down', play], { env: process.env });
    sandbox!.podman(['kube', 'play', '--network', 'podman', play]);

    for (const name of ['gateway', 'greeter', 'orders', 'users']) {
      const container = `shop-${name}-pod-0-${name}`;
      const inside = (script: string) => spawnSync('podman', ['exec', container, 'node', '-e', script], { env: process.env, encoding: 'utf8' });
      await waitFor(() => inside(`require('http').get('http://127.0.0.1:'+process.env.PORT+'/__topo/health',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))`).status === 0, () => sandbox!.podman(['logs', container]));
      // Not root, and nothing written but to /tmp; the environment from the ConfigMap and the Secret.
      const facts = inside(
        `const fs=require('fs');let root='writable';try{fs.writeFileSync('/app/x','1')}catch(e){root=e.code}fs.writeFileSync('/tmp/x','1');` +
          `console.log(JSON.stringify({uid:process.getuid(),root,discovery:Object.keys(JSON.parse(process.env.TOPO_DISCOVERY)).sort(),secret:(process.env.TOPO_SECRET||'').length}))`,
      );
      expect({ name, facts: JSON.parse(facts.stdout) }).toEqual({
        name,
        facts: { uid: 1000, root: 'EROFS', discovery: ['greeter', 'orders', 'users'], secret: name === 'gateway' ? 0 : 64 },
      });
    }
    kubeRunning();
    kubeRunning = undefined;
  });

  (podman ? it : it.skip)('after an edit to orders, nx run-many -t container rebuilds only orders: the other services come from the cache', async () => {
    const file = join(root, 'apps/shop/services/orders/orders.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n(globalThis as { ordersEdition?: string }).ordersEdition = 'edited for the cache test';\n`);
    const result = await containers('--exclude=shop');
    expect(exitOf(result)).toBe('exit 0');
    expect(tasks(result)).toEqual({
      ran: ['orders:build', 'orders:container'],
      cached: ['greeter:build', 'greeter:container', 'users:build', 'users:container'],
    });
    expect(readFileSync(join(root, 'dist/shop/services/orders/main.js'), 'utf8')).toContain('edited for the cache test');
  });

  // The mono build made in this process (the CLI's is in the e2e suite), its image built
  // from the context and Dockerfile it writes, as its message says to: the engine builds the
  // micro images above the same way, through nx build.
  withPodman('builds a mono image that answers every request as nx serve does', async () => {
    const logged: string[] = [];
    const mono = await buildApp({
      workspaceRoot: root,
      appName: 'shop',
      appRoot: join(root, 'apps/shop'),
      topology: 'mono',
      baseImage: BASE_IMAGE,
      tag: 'test',
      external: [],
      log: (message) => logged.push(message),
    });
    expect(logged.join('\n')).toContain(`docker build --build-arg BASE_IMAGE=${BASE_IMAGE} -t shop-mono:test dist/shop/mono`);
    // Podman writes OCI images by default, which drop HEALTHCHECK: nx build asks for Docker's format too.
    sandbox!.podman(['build', '--format', 'docker', '--build-arg', `BASE_IMAGE=${BASE_IMAGE}`, '-t', 'shop-mono:test', mono.outDir]);
    const [port] = await findFreePorts(1, '127.0.0.1');
    await start({ name: 'mono', dir: mono.outDir, image: 'shop-mono:test', port, edge: true, env: { PORT: String(port) } });
    expect(await replay(port, REQUESTS)).toEqual(served);
  });

  it('refuses an unknown engine, saying which there are', async () => {
    const result = await runNx(root, ['run', 'users:container', '--engine=lxc', '--skip-nx-cache']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/engine[\s\S]*auto[\s\S]*podman[\s\S]*docker/);
  });
});
