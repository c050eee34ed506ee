import {
  AggregateCreateNodesError,
  type CreateDependenciesContext,
  type CreateNodesContext,
  type CreateNodesResult,
  type ProjectConfiguration,
  validateDependency,
} from '@nx/devkit';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientFile, createTempWorkspace, serviceFile, type TempWorkspace } from '../analysis/__fixtures__/temp-workspace';
import { createDependencies, createNodesV2, type TopoPluginOptions } from './plugin';

const [pattern, createNodesFunction] = createNodesV2;

describe('@topo/nx plugin', () => {
  let workspace: TempWorkspace;
  let context: CreateNodesContext;

  beforeEach(() => {
    workspace = createTempWorkspace({
      'nx.json': '{}',
      'apps/api/topo.json': JSON.stringify({ services: '*', port: 4000 }),
      'apps/api/services/hello/service.ts': serviceFile('hello'),
      'apps/api/services/hello/hello.ts': `import { api } from '@topo/runtime';
export const h1 = api({ expose: true, method: 'GET', path: '/hello/:name' }, async ({ name }: { name: string }) => ({ message: name }));
`,
      'apps/api/services/hello/client.ts': clientFile('hello'),
      'apps/api/services/yo/service.ts': serviceFile('yo'),
      'apps/api/services/yo/yo.ts': `import { api } from '@topo/runtime';
import { hello } from '../hello/client';
export const h2 = api({ expose: true, method: 'GET', path: '/yo/:name' }, async ({ name }: { name: string }) => hello.h1({ name }));
`,
    });
    context = { workspaceRoot: workspace.root, nxJsonConfiguration: {} };
  });

  afterEach(() => workspace.remove());

  async function createNodes(files: string[], options?: TopoPluginOptions) {
    return Object.fromEntries(await createNodesFunction(files, options, context));
  }

  function projectsOf(results: Record<string, CreateNodesResult>) {
    return Object.assign({}, ...Object.values(results).map((r) => r.projects ?? {})) as Record<string, ProjectConfiguration>;
  }

  describe('createNodesV2', () => {
    it('matches service.ts and topo.json files', () => {
      expect(pattern).toBe('**/{service.ts,topo.json}');
    });

    it('infers a library project per service, named after it and tagged topo:service', async () => {
      const results = await createNodes(['apps/api/services/hello/service.ts', 'apps/api/services/yo/service.ts']);

      expect(results['apps/api/services/hello/service.ts']).toEqual({
        projects: {
          'apps/api/services/hello': {
            name: 'hello',
            projectType: 'library',
            tags: ['topo:service'],
            metadata: { technologies: ['topo'], description: 'Topo service "hello".' },
            targets: {},
          },
        },
      });
      expect(projectsOf(results)['apps/api/services/yo'].name).toBe('yo');
    });

    it('infers an application per topo.json with a serve target, a build and a cached catalog', async () => {
      const results = await createNodes(['apps/api/topo.json']);

      expect(results['apps/api/topo.json']).toEqual({
        projects: {
          'apps/api': {
            root: 'apps/api',
            name: 'api',
            projectType: 'application',
            tags: ['topo:app'],
            metadata: { technologies: ['topo'] },
            targets: {
              serve: {
                executor: '@topo/nx:serve',
                options: {},
                metadata: {
                  technologies: ['topo'],
                  description: expect.stringContaining('--topology or --env (default mono)'),
                },
              },
              // The build depends on no service task (mono needs none) and needs no engine; the images come from container, after it.
              build: {
                executor: '@topo/nx:build',
                options: {},
                cache: false,
                metadata: { technologies: ['topo'], description: expect.stringContaining('Needs no container engine') },
              },
              container: {
                executor: '@topo/nx:container',
                options: {},
                dependsOn: [{ target: 'build', params: 'forward' }],
                cache: false,
                metadata: { technologies: ['topo'], description: expect.stringContaining("the gateway's among them") },
              },
              catalog: {
                executor: '@topo/nx:catalog',
                options: {},
                cache: true,
                inputs: ['default', '^default'],
                outputs: ['{workspaceRoot}/dist/api/catalog'],
                metadata: { technologies: ['topo'], description: expect.stringContaining('catalog.json, openapi.json and index.html') },
              },
            },
          },
        },
      });
    });

    it("gives each service a test target that runs its specs alone, with the nearest jest or vitest config above it", async () => {
      const hello = 'apps/api/services/hello/service.ts';
      expect(projectsOf(await createNodes([hello]))['apps/api/services/hello'].targets?.test).toBeUndefined();

      workspace.write({ 'apps/api/jest.config.cjs': 'module.exports = {};' });
      expect(projectsOf(await createNodes([hello]))['apps/api/services/hello'].targets?.test).toEqual({
        executor: 'nx:run-commands',
        options: { command: 'jest --config apps/api/jest.config.cjs --passWithNoTests "apps/api/services/hello/"', cwd: '{workspaceRoot}' },
        cache: true,
        inputs: ['default', '^default', '{workspaceRoot}/apps/api/jest.config.cjs', { externalDependencies: ['jest'] }],
        outputs: [],
        metadata: { technologies: ['topo', 'jest'], description: "Runs the service's specs with jest (apps/api/jest.config.cjs)." },
      });

      // A config nearer the service wins, and a dot in a folder name is no wildcard for jest; vitest takes the path as it is.
      workspace.write({
        'apps/api/services/v1.0/service.ts': serviceFile('legacy'),
        'apps/api/services/v1.0/jest.config.ts': 'export default {};',
        'libs/notes/service.ts': serviceFile('notes'),
        'vitest.config.mts': 'export default {};',
      });
      const projects = projectsOf(await createNodes(['apps/api/services/v1.0/service.ts', 'libs/notes/service.ts'], { testTargetName: 'spec' }));
      expect(projects['apps/api/services/v1.0'].targets?.spec.options.command).toBe(
        'jest --config apps/api/services/v1.0/jest.config.ts --passWithNoTests "apps/api/services/v1\\.0/"',
      );
      expect(projects['libs/notes'].targets?.spec.options.command).toBe('vitest run --config vitest.config.mts --passWithNoTests "libs/notes/"');
    });

    it('takes the app name from package.json or project.json, and the target name from the options', async () => {
      workspace.write({
        'apps/api/package.json': JSON.stringify({ name: '@acme/api', nx: { name: 'api-app' } }),
        'apps/shop/topo.json': JSON.stringify({ services: [], port: 4001 }),
        'apps/shop/project.json': JSON.stringify({ name: 'shop-app' }),
      });

      const projects = projectsOf(
        await createNodes(['apps/api/topo.json', 'apps/shop/topo.json', 'apps/api/services/hello/service.ts'], {
          serveTargetName: 'dev',
          buildTargetName: 'bundle',
          containerTargetName: 'image',
          catalogTargetName: 'docs',
        }),
      );

      expect(projects['apps/api'].name).toBe('api-app');
      expect(projects['apps/shop'].name).toBe('shop-app');
      expect(Object.keys(projects['apps/api'].targets!)).toEqual(['dev', 'bundle', 'image', 'docs']);
      expect(projects['apps/api'].targets!.image.dependsOn).toEqual([{ target: 'bundle', params: 'forward' }]);
      expect(Object.keys(projects['apps/api/services/hello'].targets!)).toEqual(['bundle', 'image']);
      expect(projects['apps/api/services/hello'].targets!.image.dependsOn).toEqual([{ target: 'bundle', params: 'ignore' }]);
    });

    it("gives each service an app serves a build and a container target, cached, writing to the app's dist", async () => {
      workspace.write({ 'libs/loose/service.ts': "import { Service } from '@topo/runtime';\nexport default new Service('loose');\n" });
      const projects = projectsOf(await createNodes(['apps/api/topo.json', 'apps/api/services/hello/service.ts', 'libs/loose/service.ts']));

      expect(projects['apps/api/services/hello'].targets).toEqual({
        build: expect.objectContaining({
          executor: '@topo/nx:build-service',
          options: { app: 'api' },
          cache: true,
          inputs: ['default', '^default'],
          outputs: ['{workspaceRoot}/dist/api/services/hello'],
        }),
        // The engines on the PATH are part of the image's cache key; nothing of the caller's
        // options reaches the bundle's (--topology, --engine, --tag would split it).
        container: expect.objectContaining({
          executor: '@topo/nx:container',
          options: { app: 'api' },
          cache: true,
          inputs: ['default', '^default', { runtime: 'command -v podman docker || true' }],
          dependsOn: [{ target: 'build', params: 'ignore' }],
          outputs: ['{workspaceRoot}/dist/api/services/hello/image.json'],
        }),
      });
      // No app serves it: nothing to build it for.
      expect(projects['libs/loose'].targets).toEqual({});
    });

    it('lists in project metadata the databases each service owns or uses by name, with the owner and every user', async () => {
      workspace.write({
        'apps/api/services/hello/db.ts': "import { SQLDatabase } from '@topo/runtime';\nexport const db = new SQLDatabase('greetings', { migrations: './migrations' });\n",
        'apps/api/services/hello/migrations/1_create.up.sql': 'CREATE TABLE greetings (name text);\n',
        'apps/api/services/yo/db.ts': "import { SQLDatabase } from '@topo/runtime';\nexport const greetings = SQLDatabase.named('greetings');\n",
      });

      const projects = projectsOf(await createNodes(['apps/api/services/hello/service.ts', 'apps/api/services/yo/service.ts']));

      const greetings = { name: 'greetings', owner: 'hello', usedBy: ['yo'], migrations: 'apps/api/services/hello/migrations' };
      expect([projects['apps/api/services/hello'].metadata?.topo, projects['apps/api/services/yo'].metadata?.topo]).toEqual([
        { databases: [greetings] },
        { databases: [greetings] },
      ]);
    });

    it('leaves service.ts files that do not use the runtime alone', async () => {
      workspace.write({ 'libs/angular/service.ts': 'export default class Service {}\n' });

      expect(await createNodes(['libs/angular/service.ts'])).toEqual({ 'libs/angular/service.ts': {} });
    });

    it('reports duplicate services and broken topo.json per file, keeping the other projects', async () => {
      workspace.write({
        'apps/other/hello/service.ts': serviceFile('hello'),
        'apps/bad/topo.json': '{ "services": "*", "port": 0 }',
      });

      const error = await Promise.resolve()
        .then(() =>
          createNodesFunction(
            ['apps/api/services/hello/service.ts', 'apps/other/hello/service.ts', 'apps/bad/topo.json', 'apps/api/topo.json'],
            {},
            context,
          ),
        )
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AggregateCreateNodesError);
      const { errors, partialResults } = error as AggregateCreateNodesError;
      expect(errors.map(([file, e]) => [file, e.message])).toEqual([
        [
          'apps/other/hello/service.ts',
          expect.stringContaining(
            'Service name "hello" is declared twice: in apps/api/services/hello/service.ts and in apps/other/hello/service.ts.',
          ),
        ],
        ['apps/bad/topo.json', expect.stringContaining('"port" must be an integer from 1 to 65535, not 0.')],
      ]);
      expect(partialResults.map(([file]) => file)).toEqual(['apps/api/services/hello/service.ts', 'apps/api/topo.json']);
    });

    it("caches what it read of each file in the workspace data directory, and reads a file again when it changes", async () => {
      const files = ['apps/api/topo.json', 'apps/api/services/hello/service.ts'];
      await createNodes(files);
      const dataDirectory = join(workspace.root, '.nx', 'workspace-data');
      const [cacheFile] = readdirSync(dataDirectory).filter((f) => f.startsWith('topo-nodes-'));
      const cachePath = join(dataDirectory, cacheFile);
      const cache = JSON.parse(readFileSync(cachePath, 'utf-8'));
      expect(Object.keys(cache.facts).sort()).toEqual([
        'apps/api/services/hello/client.ts',
        'apps/api/services/hello/hello.ts',
        'apps/api/services/hello/service.ts',
      ]);

      // Prove the cache is read: doctor the cached facts of a file whose content has not changed.
      cache.facts['apps/api/services/hello/service.ts'].facts.service.name = 'cached-name';
      writeFileSync(cachePath, JSON.stringify(cache));
      let projects = projectsOf(await createNodes(files));
      expect(projects['apps/api/services/hello'].name).toBe('cached-name');

      // Changed content is parsed again.
      workspace.write({ 'apps/api/services/hello/service.ts': serviceFile('hello') + '\n' });
      projects = projectsOf(await createNodes(files));
      expect(projects['apps/api/services/hello'].name).toBe('hello');
    });

    it('keeps its whole result while nothing it read changes, and infers again after an edit, a new file or a new runner config', async () => {
      const files = ['apps/api/topo.json', 'apps/api/services/hello/service.ts', 'apps/api/services/yo/service.ts'];
      const first = await createNodes(files);
      const resultFile = readdirSync(join(workspace.root, '.nx', 'workspace-data')).find((f) => f.startsWith('topo-result-nodes-'))!;
      const resultPath = join(workspace.root, '.nx', 'workspace-data', resultFile);

      // Prove the kept result is answered: doctor it while every input stays as it was.
      const kept = JSON.parse(readFileSync(resultPath, 'utf-8'));
      expect(kept.value.results).toEqual(Object.entries(first));
      kept.value.results[1][1].projects['apps/api/services/hello'].name = 'kept-name';
      writeFileSync(resultPath, JSON.stringify(kept));
      expect(projectsOf(await createNodes(files))['apps/api/services/hello'].name).toBe('kept-name');

      // An edit of a service's file, even to the same size, is read again.
      workspace.write({ 'apps/api/services/hello/hello.ts': readFileSync(join(workspace.root, 'apps/api/services/hello/hello.ts'), 'utf-8').replace('h1', 'h9') });
      expect(projectsOf(await createNodes(files))['apps/api/services/hello'].name).toBe('hello');

      // A new file in a service's folder, with a problem in it.
      workspace.write({ 'apps/api/services/yo/more.ts': `import { api } from '@topo/runtime';\nexport const lower = api({ method: 'get', path: '/lower' }, async () => 1);\n` });
      const failure = (await Promise.resolve()
        .then(() => createNodesFunction(files, {}, context))
        .catch((e: unknown) => e)) as AggregateCreateNodesError;
      expect(failure).toBeInstanceOf(AggregateCreateNodesError);
      expect(failure.errors.map(([file, e]) => [file, e.message.split('\n')[0]])).toEqual([['apps/api/services/yo/service.ts', 'apps/api/services/yo/more.ts:2: Endpoint "lower": unknown method "get".']]);
      // The kept result reports the same problem, the same way.
      const again = (await Promise.resolve()
        .then(() => createNodesFunction(files, {}, context))
        .catch((e: unknown) => e)) as AggregateCreateNodesError;
      expect(again).toBeInstanceOf(AggregateCreateNodesError);
      expect(again.errors.map(([file, e]) => [file, e.message])).toEqual(failure.errors.map(([file, e]) => [file, e.message]));
      expect(again.partialResults).toEqual(failure.partialResults);

      // A jest config added above the services gives them a test target.
      expect(projectsOf(Object.fromEntries(again.partialResults))['apps/api/services/yo'].targets?.['test']).toBeUndefined();
      workspace.write({ 'apps/api/jest.config.cjs': 'module.exports = {};\n', 'apps/api/services/yo/more.ts': '' });
      expect(projectsOf(await createNodes(files))['apps/api/services/yo'].targets?.['test']).toMatchObject({ options: { command: expect.stringContaining('jest --config apps/api/jest.config.cjs') } });
    });

    it("reports what the runtime would refuse, with file, line and fix, against the service's and the app's files, keeping every project", async () => {
      workspace.write({
        'apps/api/services/hello/more.ts': `import { api } from '@topo/runtime';
export const lower = api({ method: 'get', path: '/lower' }, async () => 1);
export const clash = api({ expose: true, method: 'GET', path: '/yo/:who' }, async () => 1);
const path = '/dynamic';
export const dynamic = api({ path }, async () => 1);
`,
        'apps/api/topo.json': JSON.stringify({ services: '*', port: 4000, topologies: { pair: [['hello']] } }),
      });

      const error = await Promise.resolve()
        .then(() => createNodesFunction(['apps/api/services/hello/service.ts', 'apps/api/services/yo/service.ts', 'apps/api/topo.json'], {}, context))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AggregateCreateNodesError);
      const { errors, partialResults } = error as AggregateCreateNodesError;
      expect(errors.map(([file, e]) => [file, e.message])).toEqual([
        [
          'apps/api/services/hello/service.ts',
          'apps/api/services/hello/more.ts:2: Endpoint "lower": unknown method "get".\n' +
            "  Use one of GET, POST, PUT, PATCH, DELETE, HEAD.\n\n" +
            'apps/api/services/hello/more.ts:5: The "path" option of endpoint "dynamic" is not a literal, so it cannot be read without running the code.\n' +
            "  Use a literal string, such as '/dynamic'.",
        ],
        [
          'apps/api/topo.json',
          expect.stringMatching(
            /^apps\/api\/services\/yo\/yo.ts:3: Endpoint "yo.h2" answers the same route as "hello.clash" \(apps\/api\/services\/hello\/more.ts:3\): GET \/yo\/:name\.\n[^]*Topology "pair" does not place "yo"/,
          ),
        ],
      ]);
      expect(Object.keys(projectsOf(Object.fromEntries(partialResults)))).toEqual(['apps/api/services/hello', 'apps/api/services/yo', 'apps/api']);
    });
  });

  /** The context Nx gives createDependencies: the inferred projects (plus others) and who owns each file. */
  async function dependenciesContextFor(
    files: string[],
    otherProjects: CreateDependenciesContext['projects'] = {},
  ): Promise<CreateDependenciesContext> {
    const projects = projectsOf(await createNodes(files.filter((f) => /(service\.ts|topo\.json)$/.test(f))));
    const byName = {
      ...Object.fromEntries(Object.entries(projects).map(([root, project]) => [project.name!, { ...project, root }])),
      ...otherProjects,
    };
    const owner = (file: string) =>
      Object.values(byName)
        .filter((p) => file.startsWith(`${p.root}/`))
        .sort((a, b) => b.root.length - a.root.length)[0]?.name;
    return {
      workspaceRoot: workspace.root,
      nxJsonConfiguration: {},
      externalNodes: {},
      projects: byName,
      fileMap: {
        projectFileMap: Object.fromEntries(
          Object.keys(byName).map((name) => [name, files.filter((f) => owner(f) === name).map((file) => ({ file, hash: '' }))]),
        ),
        nonProjectFiles: files.filter((f) => !owner(f)).map((file) => ({ file, hash: '' })),
      },
      filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    };
  }

  describe('createDependencies', () => {
    it('adds app -> service edges from topo.json and service -> service edges from the calling files', async () => {
      const files = [
        'nx.json',
        'apps/api/topo.json',
        'apps/api/services/hello/service.ts',
        'apps/api/services/hello/hello.ts',
        'apps/api/services/hello/client.ts',
        'apps/api/services/yo/service.ts',
        'apps/api/services/yo/yo.ts',
      ];
      const dependenciesContext = await dependenciesContextFor(files);

      const dependencies = await createDependencies({}, dependenciesContext);

      expect(dependencies).toEqual([
        // Implicit: with "services": "*", a new service joins the app while topo.json stays the same.
        { source: 'api', target: 'hello', type: 'implicit' },
        { source: 'api', target: 'yo', type: 'implicit' },
        { source: 'yo', target: 'hello', sourceFile: 'apps/api/services/yo/yo.ts', type: 'static' },
      ]);
      for (const dependency of dependencies) expect(() => validateDependency(dependency, dependenciesContext)).not.toThrow();
    });

    it('keeps its edges while the hashes Nx gives of every file and the projects are the same', async () => {
      const files = ['apps/api/topo.json', 'apps/api/services/hello/service.ts', 'apps/api/services/hello/hello.ts', 'apps/api/services/hello/client.ts', 'apps/api/services/yo/service.ts', 'apps/api/services/yo/yo.ts'];
      const dependenciesContext = await dependenciesContextFor(files);
      const first = await createDependencies({}, dependenciesContext);
      expect(first).toContainEqual({ source: 'yo', target: 'hello', sourceFile: 'apps/api/services/yo/yo.ts', type: 'static' });

      // yo stops calling hello; while Nx says its hash is unchanged, the kept edges answer.
      workspace.write({ 'apps/api/services/yo/yo.ts': `import { api } from '@topo/runtime';\nexport const h2 = api({ expose: true, method: 'GET', path: '/yo/:name' }, async () => 1);\n` });
      expect(await createDependencies({}, dependenciesContext)).toEqual(first);

      // With the new hash, the edge is gone.
      const yo = dependenciesContext.fileMap.projectFileMap['yo'].find((f) => f.file === 'apps/api/services/yo/yo.ts')!;
      yo.hash = 'changed';
      const after = await createDependencies({}, dependenciesContext);
      expect(after.filter((d) => d.source === 'yo')).toEqual([]);
      expect(after).toContainEqual({ source: 'api', target: 'yo', type: 'implicit' });
    });

    it('draws edges through a shared library: services that import it, and the services whose clients it calls', async () => {
      workspace.write({
        'apps/api/shared/project.json': JSON.stringify({ name: 'api-shared' }),
        'apps/api/shared/index.ts': `import { hello } from '../services/hello/client';
export const greet = (name: string) => hello.h1({ name });
`,
        'apps/api/services/yo/yo.ts': `import { api } from '@topo/runtime';
import { greet } from '../../shared';
export const h2 = api({ expose: true, method: 'GET', path: '/yo/:name' }, async ({ name }: { name: string }) => greet(name));
`,
      });
      const files = [
        'apps/api/topo.json',
        'apps/api/services/hello/service.ts',
        'apps/api/services/hello/hello.ts',
        'apps/api/services/hello/client.ts',
        'apps/api/services/yo/service.ts',
        'apps/api/services/yo/yo.ts',
        'apps/api/shared/project.json',
        'apps/api/shared/index.ts',
      ];
      const dependenciesContext = await dependenciesContextFor(files, { 'api-shared': { name: 'api-shared', root: 'apps/api/shared' } });

      const dependencies = await createDependencies({}, dependenciesContext);

      expect(dependencies).toEqual(
        expect.arrayContaining([
          { source: 'yo', target: 'api-shared', sourceFile: 'apps/api/services/yo/yo.ts', type: 'static' },
          { source: 'api-shared', target: 'hello', sourceFile: 'apps/api/shared/index.ts', type: 'static' },
        ]),
      );
      expect(dependencies.filter((d) => d.target === 'api')).toEqual([]);
      for (const dependency of dependencies) expect(() => validateDependency(dependency, dependenciesContext)).not.toThrow();
    });
  });
});
