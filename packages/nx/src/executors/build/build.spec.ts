import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as k8s from 'kubernetes-models';
import { parseAllDocuments } from 'yaml';
import { type AppBuild, buildApp, type AppBuildSettings } from '../../deploy/build-app';
import { readCompose, type RunningBuild, runBundle, runComposeOnHost } from '../../testing/built-processes';
import { copyFixtureWorkspace, removeWorkspace } from '../../testing/fixture-workspace';
import { answersIn, replay, type ServeRequest } from '../../testing/serve-replay';
import { SHOP_REQUESTS } from '../serve/__fixtures__/shop-requests';
import { findFreePorts } from '../serve/lib/ports';

/**
 * `nx build` on the serve spec's fixture app (users, greeter and orders, orders and greeter
 * calling users, a custom topology "pair"): each topology's artifacts, run for real from
 * dist the way their docker-compose.yml says, answer every request as `nx serve` does.
 */

const FIXTURE = join(__dirname, '..', 'serve', '__fixtures__', 'shop');
const SERVICES = ['greeter', 'orders', 'users'];

jest.setTimeout(120_000);

const REQUESTS = SHOP_REQUESTS;

describe('nx build (buildApp) on a fixture app with calls between services', () => {
  let workspaceRoot: string;
  let served: Awaited<ReturnType<typeof answersIn>>;
  const running: RunningBuild[] = [];
  const logged: string[] = [];

  const settings = (topology: string): AppBuildSettings => ({
    workspaceRoot,
    appName: 'shop',
    appRoot: join(workspaceRoot, 'apps/shop'),
    topology,
    baseImage: 'node:20-slim',
    tag: 'test',
    external: [],
    log: (message) => logged.push(message),
  });

  beforeAll(async () => {
    workspaceRoot = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-build-' });
    const [port] = await findFreePorts(1, '127.0.0.1');
    served = await answersIn({ workspaceRoot, appName: 'shop', appRoot: 'apps/shop', port }, 'mono', REQUESTS);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });

  afterAll(() => removeWorkspace(workspaceRoot));

  async function answers(run: Promise<RunningBuild>) {
    const started = await run;
    running.push(started);
    return replay(started.port, REQUESTS);
  }

  describe('mono', () => {
    let build: AppBuild;
    beforeAll(async () => {
      build = await buildApp(settings('mono'));
    });

    it('writes main.js with its source map, package.json, a lockfile and a Dockerfile in dist/<app>/mono', () => {
      expect(relative(workspaceRoot, build.outDir)).toBe(join('dist', 'shop', 'mono'));
      for (const file of ['main.js', 'main.js.map', 'package.json', 'package-lock.json', 'Dockerfile']) expect(existsSync(join(build.outDir, file))).toBe(true);
      // Everything is in the bundle: nothing left for npm to install, and no node_modules beside it.
      expect(JSON.parse(readFileSync(join(build.outDir, 'package.json'), 'utf8')).dependencies).toEqual({});
      expect(JSON.parse(readFileSync(join(build.outDir, 'package-lock.json'), 'utf8'))).toMatchObject({ lockfileVersion: 3, packages: { '': { dependencies: {} } } });
      expect(existsSync(join(build.outDir, 'node_modules'))).toBe(false);
    });

    it('has a Dockerfile with the base image as an argument, a non-root user, a health check and node as PID 1', () => {
      const dockerfile = readFileSync(join(build.outDir, 'Dockerfile'), 'utf8');
      expect(dockerfile).toContain('ARG BASE_IMAGE=node:20-slim\nFROM ${BASE_IMAGE}');
      expect(dockerfile).toMatch(/^USER 1000:1000$/m);
      expect(dockerfile).toMatch(/^HEALTHCHECK .*\/__topo\/health/m);
      expect(dockerfile).toContain('CMD ["node", "main.js"]');
      expect(dockerfile).not.toMatch(/COPY .*main\.js\.map/);
    });

    it('serves every service from node main.js, answering as nx serve does', async () => {
      expect(await answers(runBundle(build.outDir))).toEqual(served);
    });

    it('says how to build the image: the container target, or the engine by hand', () => {
      expect(logged.join('\n')).toContain('nx run shop:container --topology=mono');
      expect(logged.join('\n')).toContain('docker build --build-arg BASE_IMAGE=node:20-slim -t shop-mono:test dist/shop/mono');
    });

    it("builds no service's own bundle: the monolith holds every service", () => {
      expect(existsSync(join(workspaceRoot, 'dist/shop/services'))).toBe(false);
    });
  });

  describe.each(['micro', 'pair'])('%s', (topology) => {
    let build: AppBuild;
    beforeAll(async () => {
      build = await buildApp(settings(topology));
    });

    it('bundles each process with only its own services: no module of another service is in its metafile', () => {
      const groups = topology === 'micro' ? SERVICES.map((s) => [s]) : [['orders', 'users'], ['greeter']];
      for (const process of build.processes.filter((p) => p.name !== 'gateway')) {
        const own = groups.find((g) => g.join('-') === process.name || g.join('+') === process.name || (g.length === 1 && g[0] === process.name))!;
        expect({ process: process.name, own }).toEqual({ process: process.name, own: expect.any(Array) });
        const inputs = Object.keys(JSON.parse(readFileSync(join(process.dir, 'meta.json'), 'utf8')).inputs);
        const foreign = inputs.filter((input) => SERVICES.some((s) => !own.includes(s) && input.includes(`services/${s}/`) && !input.endsWith('/client.ts')));
        expect({ process: process.name, foreign }).toEqual({ process: process.name, foreign: [] });
        const ownInputs = inputs.filter((input) => own.some((s) => input.includes(`services/${s}/${s}.ts`)));
        expect(ownInputs).toHaveLength(own.length);
      }
      const gateway = build.processes.find((p) => p.name === 'gateway')!;
      const gatewayInputs = Object.keys(JSON.parse(readFileSync(join(gateway.dir, 'meta.json'), 'utf8')).inputs);
      expect(gatewayInputs.filter((input) => input.includes('/services/'))).toEqual([]);
    });

    it('answers every request through the gateway as nx serve does, each process started with the compose file\'s environment', async () => {
      expect(await answers(runComposeOnHost(build.outDir))).toEqual(served);
    });

    it('writes docker-compose.yml: one service per process and the gateway, discovery and the secret, health checks, the gateway published', () => {
      const compose = readCompose(build.outDir);
      const names = Object.keys(compose.services).sort();
      expect(names).toEqual(topology === 'micro' ? ['gateway', ...SERVICES] : ['gateway', 'greeter', 'orders-users']);
      for (const [name, service] of Object.entries(compose.services)) {
        expect(service.image).toBe(`shop-${name}:test`);
        expect(existsSync(join(build.outDir, service.build.context, 'Dockerfile'))).toBe(true);
        expect(JSON.parse(service.environment.TOPO_DISCOVERY)).toEqual(expect.objectContaining({ users: expect.stringMatching(/^http:\/\/(users|orders-users):\d+$/) }));
        expect(service.healthcheck.test.join(' ')).toContain('/__topo/health');
        if (name === 'gateway') {
          expect(service.environment.TOPO_SECRET).toBeUndefined();
          expect(service.ports).toEqual([`${service.environment.PORT}:${service.environment.PORT}`]);
          expect(Object.keys(service.depends_on ?? {}).sort()).toEqual(names.filter((n) => n !== 'gateway'));
        } else {
          expect(service.environment.TOPO_SECRET).toMatch(/^\$\{TOPO_SECRET:\?/);
          expect(service.ports).toBeUndefined();
        }
      }
    });

    it('writes Kubernetes manifests that are valid objects: a Deployment and a Service per process, discovery in a ConfigMap, the secret referenced', () => {
      const dir = join(build.outDir, 'k8s');
      const objects = readdirSync(dir)
        .filter((file) => file !== 'kustomization.yaml')
        .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJSON()));
      const models: Record<string, new (data: never) => { validate(): void }> = {
        Deployment: k8s.apps.v1.Deployment as never,
        Service: k8s.v1.Service as never,
        ConfigMap: k8s.v1.ConfigMap as never,
        NetworkPolicy: k8s.networkingK8sIo.v1.NetworkPolicy as never,
      };
      for (const object of objects) {
        const Model = models[object.kind];
        expect({ kind: object.kind, known: !!Model }).toEqual({ kind: object.kind, known: true });
        expect(() => new Model(object as never).validate()).not.toThrow();
      }
      const processes = build.processes.length;
      expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(processes);
      expect(objects.filter((o) => o.kind === 'Service')).toHaveLength(processes);
      // Every process but the gateway, which faces clients, lets in only the app's own pods.
      expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toHaveLength(processes - 1);
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        const [container] = deployment.spec.template.spec.containers;
        expect(container.readinessProbe.httpGet.path).toBe('/__topo/health');
        expect(container.livenessProbe.httpGet.path).toBe('/__topo/health');
        expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        const secret = container.env.find((e: { name: string }) => e.name === 'TOPO_SECRET');
        if (deployment.metadata.name === 'shop-gateway') expect(secret).toBeUndefined();
        else expect(secret.valueFrom.secretKeyRef).toEqual({ name: 'shop-internal', key: 'secret' });
      }
      const [configMap] = objects.filter((o) => o.kind === 'ConfigMap');
      expect(Object.keys(JSON.parse(configMap.data.TOPO_DISCOVERY)).sort()).toEqual(SERVICES);
    });

    it("gives each process one port everywhere: its Dockerfile's EXPOSE, compose, the Deployment and the Service; the gateway the app's", () => {
      const compose = readCompose(build.outDir);
      const dir = join(build.outDir, 'k8s');
      const object = (file: string) => parseAllDocuments(readFileSync(join(dir, file), 'utf8'))[0].toJSON();
      for (const process of build.processes) {
        const exposed = Number(/^EXPOSE (\d+)$/m.exec(readFileSync(join(process.dir, 'Dockerfile'), 'utf8'))?.[1]);
        const deployment = object(`${process.name}-deployment.yaml`);
        const [container] = deployment.spec.template.spec.containers;
        const service = object(`${process.name}-service.yaml`);
        expect({
          process: process.name,
          compose: Number(compose.services[process.name].environment.PORT),
          env: Number(container.env.find((e: { name: string }) => e.name === 'PORT').value),
          containerPort: container.ports[0].containerPort,
          service: service.spec.ports[0].port,
        }).toEqual({ process: process.name, compose: exposed, env: exposed, containerPort: exposed, service: exposed });
        expect({ process: process.name, port: exposed }).toEqual({ process: process.name, port: process.name === 'gateway' ? 4300 : 8080 });
      }
      expect(compose.services.gateway.ports).toEqual(['4300:4300']);
    });

    it('names the ConfigMap by a hash of its data, and pauses each container before SIGTERM for less than its grace period', () => {
      const dir = join(build.outDir, 'k8s');
      const configMap = parseAllDocuments(readFileSync(join(dir, 'configmap.yaml'), 'utf8'))[0].toJSON();
      const hash = createHash('sha256').update(JSON.stringify(configMap.data)).digest('hex').slice(0, 10);
      expect(configMap.metadata.name).toBe(`shop-discovery-${hash}`);
      for (const process of build.processes) {
        const deployment = parseAllDocuments(readFileSync(join(dir, `${process.name}-deployment.yaml`), 'utf8'))[0].toJSON();
        const pod = deployment.spec.template.spec;
        const [container] = pod.containers;
        expect(container.env.find((e: { name: string }) => e.name === 'TOPO_DISCOVERY').valueFrom.configMapKeyRef.name).toBe(configMap.metadata.name);
        expect(container.lifecycle.preStop.exec.command).toEqual(['node', '-e', 'setTimeout(() => {}, 5000)']);
        // The pause (5 s) and the runtime's shutdown (10 s by default) fit in the grace period.
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(5 + 10);
      }
    });

    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
    (kubectl ? it : it.skip)('passes kubectl kustomize (kubectl is on the PATH)', () => {
      const result = spawnSync('kubectl', ['kustomize', join(build.outDir, 'k8s')], { encoding: 'utf8' });
      expect(result.status === 0 ? 'ok' : result.stderr).toBe('ok');
      expect(parseAllDocuments(result.stdout).map((doc) => doc.toJSON().kind).sort()).toEqual(
        [
          'ConfigMap',
          ...Array(build.processes.length).fill('Deployment'),
          ...Array(build.processes.length).fill('Service'),
          ...Array(build.processes.length - 1).fill('NetworkPolicy'),
        ].sort(),
      );
    });
  });

  it('bundles express only for a process whose services have a raw endpoint or middleware, and pg only for one with a database', async () => {
    const packagesIn = (dir: string) => {
      const inputs = Object.keys(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).inputs);
      return { express: inputs.some((input) => input.includes('node_modules/express/')), pg: inputs.some((input) => input.includes('node_modules/pg/')) };
    };
    const micro = await buildApp(settings('micro'));
    expect(micro.processes.map((p) => [p.name, packagesIn(p.dir)])).toEqual(micro.processes.map((p) => [p.name, { express: false, pg: false }]));
    // Without them a service's bundle, most of its image's own layers, is under 200 KB (about 160 KB here).
    for (const p of micro.processes.filter((p) => p.name !== 'gateway')) expect({ process: p.name, small: p.bundleBytes < 200 * 1024 }).toEqual({ process: p.name, small: true });
    const greeter = join(workspaceRoot, 'apps/shop/services/greeter/greeter.ts');
    const migrations = join(workspaceRoot, 'apps/shop/services/greeter/migrations');
    const before = readFileSync(greeter, 'utf8');
    try {
      mkdirSync(migrations);
      writeFileSync(join(migrations, '1_greetings.up.sql'), 'CREATE TABLE greetings (id serial PRIMARY KEY, text text NOT NULL);\n');
      writeFileSync(
        greeter,
        `import { SQLDatabase } from '@topo/runtime';\n${before}\nexport const ping = api.raw({ expose: true, method: 'GET', path: '/greeter-ping' }, (_req, res) => res.json({ pong: true }));\nexport const greetings = new SQLDatabase('greetings', { migrations: './migrations' });\n`,
      );
      const withBoth = await buildApp(settings('micro'));
      expect(Object.fromEntries(withBoth.processes.map((p) => [p.name, packagesIn(p.dir)]))).toEqual({
        gateway: { express: false, pg: false },
        greeter: { express: true, pg: true },
        orders: { express: false, pg: false },
        users: { express: false, pg: false },
      });
    } finally {
      writeFileSync(greeter, before);
      rmSync(migrations, { recursive: true, force: true });
    }
  });

  it('leaves --external packages for npm: package.json names them, the lockfile holds them and all they need', async () => {
    // Without a lockfile the build says to make one.
    await expect(buildApp({ ...settings('mono'), external: ['express'] })).rejects.toThrow(
      'The bundle leaves express for npm to install, and the workspace has no package-lock.json to take their versions from. Run `npm install` at the workspace root first.',
    );
    // The fixture's node_modules is this repository's: so is its lockfile.
    copyFileSync(join(__dirname, '..', '..', '..', '..', '..', 'package-lock.json'), join(workspaceRoot, 'package-lock.json'));
    const build = await buildApp({ ...settings('mono'), external: ['express'] });
    const manifest = JSON.parse(readFileSync(join(build.outDir, 'package.json'), 'utf8'));
    const { version } = JSON.parse(readFileSync(require.resolve('express/package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual({ express: version });
    const lock = JSON.parse(readFileSync(join(build.outDir, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/express']).toMatchObject({ version, integrity: expect.any(String) });
    // Every dependency of every locked package is locked too, where Node would look for it.
    for (const [key, entry] of Object.entries<{ dependencies?: Record<string, string>; dev?: boolean }>(lock.packages)) {
      expect({ key, dev: entry.dev }).toEqual({ key, dev: undefined });
      for (const dependency of Object.keys(entry.dependencies ?? {})) {
        const candidates = [];
        for (let base = key; ; base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '') {
          candidates.push(`${base ? `${base}/` : ''}node_modules/${dependency}`);
          if (base === '') break;
        }
        expect({ key, dependency, locked: candidates.some((c) => lock.packages[c]) }).toEqual({ key, dependency, locked: true });
      }
    }
    expect(readFileSync(join(build.outDir, 'Dockerfile'), 'utf8')).toContain('COPY package.json package-lock.json ./\nRUN npm ci --omit=dev');
    expect(readFileSync(join(build.outDir, 'main.js'), 'utf8')).toMatch(/require\("express"\)/);
    expect(await answers(runBundle(build.outDir))).toEqual(served);
    rmSync(join(workspaceRoot, 'package-lock.json'));
  });

  it('tags images by a content hash of their build context by default: the same code the same tag, a change a new one', async () => {
    const first = await buildApp({ ...settings('micro'), tag: undefined });
    const tags = (build: AppBuild) => Object.fromEntries(build.processes.map((p) => [p.name, p.image]));
    for (const process of first.processes) expect(process.image).toMatch(new RegExp(`^shop-${process.name}:[0-9a-f]{12}$`));
    // Compose and Kubernetes name the same images.
    const compose = readCompose(first.outDir);
    expect(Object.fromEntries(Object.entries(compose.services).map(([name, service]) => [name, service.image]))).toEqual(tags(first));
    const deployment = parseAllDocuments(readFileSync(join(first.outDir, 'k8s', 'users-deployment.yaml'), 'utf8'))[0].toJSON();
    expect(deployment.spec.template.spec.containers[0].image).toBe(tags(first).users);

    expect(tags(await buildApp({ ...settings('micro'), tag: undefined }))).toEqual(tags(first));
    const file = join(workspaceRoot, 'apps/shop/services/greeter/greeter.ts');
    const before = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, `${before}\n(globalThis as { greeterEdition?: number }).greeterEdition = 2;\n`);
      const edited = tags(await buildApp({ ...settings('micro'), tag: undefined }));
      expect(edited.greeter).not.toBe(tags(first).greeter);
      expect({ ...edited, greeter: undefined }).toEqual({ ...tags(first), greeter: undefined });
    } finally {
      writeFileSync(file, before);
    }
  });

  it('refuses an unknown topology, naming the ones there are', async () => {
    await expect(buildApp(settings('trio'))).rejects.toThrow(/Cannot build shop:[\s\S]*trio/);
  });

  it('refuses code that does not build, naming the file and line', async () => {
    const file = join(workspaceRoot, 'apps/shop/services/greeter/greeter.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\nimport { nothing } from './no-such-module';\nexport const use = nothing;\n`);
    try {
      await expect(buildApp(settings('mono'))).rejects.toThrow(/Process mono of app shop does not build:\n.*greeter\.ts:\d+: Could not resolve ".\/no-such-module"/);
    } finally {
      writeFileSync(file, original);
    }
  });
});

describe('nx build (buildApp) on the demo app of this repository', () => {
  const workspaceRoot = join(__dirname, '..', '..', '..', '..', '..');
  // The demo's whole shape: a public GET of each service, a POST with a body (and one its
  // schema refuses), the private endpoint from outside, the call between services, a path there is not.
  const requests: ServeRequest[] = [
    { method: 'GET', path: '/hello/Ada' },
    { method: 'GET', path: '/yo/Grace%20Hopper' },
    { method: 'POST', path: '/hello', body: JSON.stringify({ names: ['Ada', 'Grace'], greeting: 'Hi' }) },
    { method: 'POST', path: '/hello', body: JSON.stringify({ names: 'Ada' }) },
    { method: 'GET', path: '/formal/Ada' },
    { method: 'GET', path: '/both/Ada' },
    { method: 'GET', path: '/nope' },
  ];
  let served: Awaited<ReturnType<typeof answersIn>>;
  const running: RunningBuild[] = [];

  beforeAll(async () => {
    const [port] = await findFreePorts(1, '127.0.0.1');
    served = await answersIn({ workspaceRoot, appName: 'demo', appRoot: 'packages/demo', port }, 'mono', requests);
    expect(served).toEqual([
      { status: 200, body: { message: 'Hello, Ada!' } },
      { status: 200, body: { message: 'Yo, Grace Hopper!' } },
      { status: 200, body: { message: 'Hi, Ada and Grace!' } },
      { status: 400, body: { code: 'invalid_argument', message: 'names: expected array, got "Ada"' } },
      { status: 404, body: { code: 'not_found', message: 'no endpoint for GET /formal/Ada' } },
      { status: 200, body: { message: 'Yo, Ada! Good day, Ada.' } },
      { status: 404, body: { code: 'not_found', message: 'no endpoint for GET /nope' } },
    ]);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });

  it.each(['mono', 'micro'])('built for %s and run from dist, answers every request as nx serve does', async (topology) => {
    const build = await buildApp({
      workspaceRoot,
      appName: 'demo',
      appRoot: join(workspaceRoot, 'packages/demo'),
      topology,
      baseImage: 'node:20-slim',
      tag: 'test',
      external: [],
      log: () => undefined,
    });
    const started = await (topology === 'mono' ? runBundle(build.outDir) : runComposeOnHost(build.outDir));
    running.push(started);
    expect(await replay(started.port, requests)).toEqual(served);
  });
});


describe('nx build of an app with databases (the market fixture)', () => {
  let workspaceRoot: string;

  beforeAll(() => {
    workspaceRoot = copyFixtureWorkspace(join(__dirname, '..', 'serve', '__fixtures__', 'market'), { prefix: 'topo-build-db-' });
  });

  afterAll(() => removeWorkspace(workspaceRoot));

  it('puts the migrations of each database in the folder and image of the process that owns it, and a Postgres in compose', async () => {
    const build = await buildApp({
      workspaceRoot,
      appName: 'market',
      appRoot: join(workspaceRoot, 'apps/market'),
      topology: 'pair',
      baseImage: 'node:20-slim',
      tag: 'test',
      external: [],
      log: () => undefined,
    });
    const folder = (process: string) => build.processes.find((p) => p.name === process)!.dir;
    const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

    expect(files(join(folder('orders-stock'), 'migrations', 'orders'))).toEqual(['1_create_orders.up.sql', '2_add_status.up.sql', '3_create_returns.up.sql']);
    expect(files(join(folder('billing'), 'migrations'))).toEqual(['billing']);
    expect(readFileSync(join(folder('billing'), 'Dockerfile'), 'utf8')).toContain('ENV TOPO_MIGRATIONS_BILLING=/app/migrations/billing');
    expect(readFileSync(join(folder('billing'), '.dockerignore'), 'utf8')).toContain('!migrations');
    const compose = readCompose(build.outDir);
    expect(Object.keys(compose.services).sort()).toEqual(['billing', 'gateway', 'orders-stock', 'postgres']);
    expect(readFileSync(join(build.outDir, 'databases-init.sql'), 'utf8')).toBe('CREATE DATABASE "billing";\nCREATE DATABASE "orders";\n');
    expect(readFileSync(join(build.outDir, 'databases.env.example'), 'utf8')).toContain('TOPO_DATABASE_URL_ORDERS=');
  });
});
