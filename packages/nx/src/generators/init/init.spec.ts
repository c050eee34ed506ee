import { addProjectConfiguration, logger, readJson, readNxJson, type Tree, updateNxJson, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initGenerator } from './init';

const VERSION = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf-8')).version as string;
const NX_VERSION = JSON.parse(readFileSync(require.resolve('nx/package.json'), 'utf-8')).version as string;

/** The files `create-nx-workspace --preset=ts` starts from, as far as init cares. */
function tsSolutionWorkspace(): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  writeJson(tree, 'package.json', { name: '@acme/source', workspaces: ['packages/*'], devDependencies: { nx: '23.2.1' } });
  writeJson(tree, 'tsconfig.base.json', {
    compilerOptions: { composite: true, declarationMap: true, emitDeclarationOnly: true, module: 'nodenext', strict: true },
  });
  writeJson(tree, 'tsconfig.json', { extends: './tsconfig.base.json', compileOnSave: false, files: [], references: [] });
  return tree;
}

describe('init generator', () => {
  let tree: Tree;
  let info: jest.SpyInstance;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => info.mockRestore());

  it('registers the plugin once, however often it runs', async () => {
    await initGenerator(tree, {});
    await initGenerator(tree, {});

    expect(readNxJson(tree)?.plugins).toEqual(['@topo/nx', { plugin: '@nx/jest/plugin', options: { targetName: 'test' } }]);
  });

  it('keeps a registration that carries options', async () => {
    updateNxJson(tree, { plugins: [{ plugin: '@topo/nx', options: { serveTargetName: 'dev' } }] });

    await initGenerator(tree, {});

    expect(readNxJson(tree)?.plugins?.[0]).toEqual({ plugin: '@topo/nx', options: { serveTargetName: 'dev' } });
  });

  it('adds @topo/runtime and @topo/nx at its own version and returns the install task', async () => {
    const task = await initGenerator(tree, {});

    const { dependencies, devDependencies } = readJson(tree, 'package.json');
    expect(dependencies['@topo/runtime']).toBe(VERSION);
    expect(devDependencies['@topo/nx']).toBe(VERSION);
    expect(typeof task).toBe('function');
  });

  it('leaves package.json alone with --skipPackageJson', async () => {
    await initGenerator(tree, { skipPackageJson: true });

    expect(readJson(tree, 'package.json').dependencies).toEqual({});
    expect(readJson(tree, 'package.json').devDependencies).toEqual({});
  });

  it("accepts the options nx add passes (its init runs with --keepExistingVersions when the schema has it)", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf-8'));
    expect(schema.properties.keepExistingVersions).toMatchObject({ type: 'boolean' });
    expect(schema.additionalProperties).toBe(false);
  });

  describe('takes @topo/runtime from where @topo/nx came from', () => {
    let folder: string;

    beforeEach(() => {
      folder = mkdtempSync(join(tmpdir(), 'topo-init-'));
    });

    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    function withPlugin(spec: string, runtime?: string): void {
      writeJson(tree, 'package.json', {
        name: '@proj/source',
        dependencies: runtime ? { '@topo/runtime': runtime } : {},
        devDependencies: { '@topo/nx': spec },
      });
    }

    it('the same version from the registry when @topo/nx came from one', async () => {
      withPlugin(`^${VERSION}`);

      await initGenerator(tree, {});

      expect(readJson(tree, 'package.json').dependencies['@topo/runtime']).toBe(VERSION);
      expect(readJson(tree, 'package.json').devDependencies['@topo/nx']).toBe(`^${VERSION}`);
    });

    it('the runtime tarball beside the @topo/nx tarball', async () => {
      writeFileSync(join(folder, `topo-nx-${VERSION}.tgz`), '');
      writeFileSync(join(folder, `topo-runtime-${VERSION}.tgz`), '');
      withPlugin(`file:${folder}/topo-nx-${VERSION}.tgz`);

      await initGenerator(tree, {});

      expect(readJson(tree, 'package.json').dependencies['@topo/runtime']).toBe(`file:${folder}/topo-runtime-${VERSION}.tgz`);
      expect(readJson(tree, 'package.json').devDependencies['@topo/nx']).toBe(`file:${folder}/topo-nx-${VERSION}.tgz`);
    });

    it("the runtime's folder beside @topo/nx's folder, at the same version", async () => {
      mkdirSync(join(folder, 'runtime'));
      writeFileSync(join(folder, 'runtime', 'package.json'), JSON.stringify({ name: '@topo/runtime', version: VERSION }));
      withPlugin(`file:${folder}/nx`);

      await initGenerator(tree, {});

      expect(readJson(tree, 'package.json').dependencies['@topo/runtime']).toBe(`file:${folder}/runtime`);
    });

    it('the one package.json names already; a plain version other than its own is moved, unless keepExistingVersions', async () => {
      withPlugin(VERSION, 'file:vendor/topo-runtime.tgz');
      await initGenerator(tree, {});
      expect(readJson(tree, 'package.json').dependencies['@topo/runtime']).toBe('file:vendor/topo-runtime.tgz');

      withPlugin(VERSION, '0.0.1');
      await initGenerator(tree, { keepExistingVersions: true });
      expect(readJson(tree, 'package.json').dependencies['@topo/runtime']).toBe('0.0.1');

      await initGenerator(tree, {});
      expect(readJson(tree, 'package.json').dependencies['@topo/runtime']).toBe(VERSION);
    });

    it('and refuses, writing nothing, when it is not there', async () => {
      writeFileSync(join(folder, `topo-nx-${VERSION}.tgz`), '');
      withPlugin(`file:${folder}/topo-nx-${VERSION}.tgz`);
      const before = tree.listChanges().map((c) => `${c.path} ${c.content?.toString()}`);

      await expect(initGenerator(tree, {})).rejects.toThrow(
        `@topo/runtime ${VERSION} cannot be installed: @topo/nx comes from file:${folder}/topo-nx-${VERSION}.tgz, and ` +
          `${folder}/topo-runtime-${VERSION}.tgz is not there. Nothing was written. Put @topo/runtime ${VERSION} beside it, ` +
          `or install both packages at once (npm install -D ${folder}/topo-nx-${VERSION}.tgz <folder>/topo-runtime-${VERSION}.tgz), ` +
          'then run nx g @topo/nx:init again.',
      );
      expect(tree.listChanges().map((c) => `${c.path} ${c.content?.toString()}`)).toEqual(before);
      expect(tree.exists('packages/api')).toBe(false);
    });
  });

  describe('sets up a test runner', () => {
    it('jest through @nx/jest by default, at the workspace Nx version, with a config at the app root', async () => {
      await initGenerator(tree, {});

      expect(readJson(tree, 'package.json').devDependencies).toMatchObject({
        '@nx/jest': NX_VERSION,
        jest: '~30.3.0',
        'ts-jest': '^29.4.7',
        '@types/jest': '~30.0.0',
      });
      expect(readNxJson(tree)?.plugins).toContainEqual({ plugin: '@nx/jest/plugin', options: { targetName: 'test' } });
      expect(tree.read('packages/api/jest.config.cjs', 'utf-8')).toContain(
        `transform: { '^.+\\\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },`,
      );
      expect(readJson(tree, 'packages/api/tsconfig.spec.json')).toEqual({
        extends: './tsconfig.json',
        compilerOptions: { outDir: '../../dist/out-tsc', module: 'commonjs', types: ['jest'] },
        include: ['**/*.spec.ts', '**/*.test.ts', '**/*.d.ts'],
        exclude: ['node_modules', 'dist', 'out-tsc'],
      });
    });

    it('keeps the jest version the workspace has', async () => {
      writeJson(tree, 'package.json', { name: '@proj/source', devDependencies: { jest: '^29.7.0', nx: '23.2.1' } });

      await initGenerator(tree, {});

      expect(readJson(tree, 'package.json').devDependencies).toMatchObject({ jest: '^29.7.0', '@nx/jest': '23.2.1' });
    });

    it('vitest through @nx/vitest when the workspace uses vitest', async () => {
      writeJson(tree, 'package.json', { name: '@proj/source', devDependencies: { vitest: '^3.2.0' } });

      await initGenerator(tree, {});

      const { devDependencies } = readJson(tree, 'package.json');
      expect(devDependencies).toMatchObject({ vitest: '^3.2.0', '@nx/vitest': NX_VERSION });
      expect(devDependencies.jest).toBeUndefined();
      expect(readNxJson(tree)?.plugins).toContainEqual({ plugin: '@nx/vitest', options: { testTargetName: 'test' } });
      expect(tree.read('packages/api/vitest.config.mts', 'utf-8')).toContain(`include: ['**/*.{spec,test}.ts'],`);
      expect(tree.exists('packages/api/jest.config.cjs')).toBe(false);
    });

    it('for an app the workspace has already, keeping its config; none with --testRunner=none', async () => {
      tree.write('apps/shop/topo.json', JSON.stringify({ services: '*', port: 4000 }));
      tree.write('apps/shop/vitest.config.ts', 'export default {};');
      tree.write('apps/blog/topo.json', JSON.stringify({ services: '*', port: 4001 }));

      await initGenerator(tree, { testRunner: 'none' });
      expect(tree.exists('apps/blog/jest.config.cjs')).toBe(false);
      expect(readJson(tree, 'package.json').devDependencies['@nx/jest']).toBeUndefined();

      await initGenerator(tree, {});
      expect(tree.exists('apps/blog/jest.config.cjs')).toBe(true);
      expect(tree.exists('apps/shop/jest.config.cjs')).toBe(false);
    });
  });

  it('creates an app with a topo.json taking every service below it', async () => {
    await initGenerator(tree, {});

    expect(readJson(tree, 'packages/api/topo.json')).toEqual({ services: '*', port: 4000 });
    expect(readJson(tree, 'packages/api/project.json')).toMatchObject({ name: 'api', projectType: 'application' });
    expect(readJson(tree, 'packages/api/tsconfig.json')).toEqual({
      extends: '../../tsconfig.base.json',
      compilerOptions: { outDir: '../../dist/out-tsc' },
      include: ['**/*.ts'],
      exclude: ['node_modules', 'dist', 'out-tsc', '**/*.spec.ts', '**/*.test.ts'],
    });
  });

  it('puts the app in apps/ when the workspace has that folder, and takes name, folder and port', async () => {
    const withApps = createTreeWithEmptyWorkspace({ layout: 'apps-libs', formatter: 'none' });
    await initGenerator(withApps, {});
    expect(withApps.exists('apps/api/topo.json')).toBe(true);

    await initGenerator(tree, { app: 'shop', directory: 'backend/shop', port: 4100 });
    expect(readJson(tree, 'backend/shop/topo.json')).toEqual({ services: '*', port: 4100 });
    expect(readJson(tree, 'backend/shop/project.json').name).toBe('shop');
  });

  it('creates no app when the workspace has one already', async () => {
    tree.write('apps/shop/topo.json', JSON.stringify({ services: '*', port: 4000 }));

    await initGenerator(tree, {});

    expect(tree.exists('packages/api')).toBe(false);
    expect(info).toHaveBeenCalledWith('Found the app in apps/shop; no app created.');
  });

  describe('in a TypeScript solution workspace (create-nx-workspace --preset=ts)', () => {
    beforeEach(() => {
      tree = tsSolutionWorkspace();
    });

    it('makes the app a workspace package named after the app, referenced from the root tsconfig.json', async () => {
      await initGenerator(tree, {});

      expect(readJson(tree, 'packages/api/package.json')).toEqual({
        name: '@acme/api',
        version: '0.0.1',
        private: true,
        nx: { name: 'api' },
      });
      expect(tree.exists('packages/api/project.json')).toBe(false);
      expect(readJson(tree, 'packages/api/tsconfig.json')).toEqual({
        extends: '../../tsconfig.base.json',
        compilerOptions: { outDir: 'out-tsc', rootDir: '.', tsBuildInfoFile: 'out-tsc/tsconfig.tsbuildinfo' },
        include: ['**/*.ts'],
        exclude: ['node_modules', 'dist', 'out-tsc', '**/*.spec.ts', '**/*.test.ts'],
      });
      expect(readJson(tree, 'tsconfig.json').references).toEqual([{ path: './packages/api' }]);
      expect(readJson(tree, 'package.json').workspaces).toEqual(['packages/*']);
    });

    it('adds the app folder to the workspaces when no pattern covers it', async () => {
      tree.write('apps/.gitkeep', '');

      await initGenerator(tree, {});

      expect(readJson(tree, 'package.json').workspaces).toEqual(['packages/*', 'apps/*']);
      expect(readJson(tree, 'tsconfig.json').references).toEqual([{ path: './apps/api' }]);
    });
  });

  describe('refuses, changing nothing,', () => {
    async function refusal(options: Parameters<typeof initGenerator>[1]): Promise<string> {
      const before = tree.listChanges().length;
      const error = await initGenerator(tree, options).then(
        () => undefined,
        (e: Error) => e.message,
      );
      expect(tree.listChanges()).toHaveLength(before);
      return error ?? 'no error';
    }

    it('an app name that is not kebab-case', async () => {
      expect(await refusal({ app: 'MyApi' })).toBe(
        'App name "MyApi" is not kebab-case. Pass --app with lower-case letters, digits and dashes, such as --app=api.',
      );
    });

    it('a folder that is already there', async () => {
      tree.write('packages/api/README.md', 'taken');

      expect(await refusal({})).toBe(
        'packages/api already exists. Pass --directory to create the app in a new folder, or --app to name it differently.',
      );
    });

    it('a name another project has', async () => {
      addProjectConfiguration(tree, 'api', { root: 'libs/api' });

      expect(await refusal({})).toBe('Project "api" already exists (libs/api). Pass --app to name the Topo app differently.');
    });
  });
});
