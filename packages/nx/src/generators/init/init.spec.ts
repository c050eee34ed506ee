import { addProjectConfiguration, logger, readJson, readNxJson, type Tree, updateNxJson, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initGenerator } from './init';

const VERSION = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf-8')).version as string;

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

    expect(readNxJson(tree)?.plugins).toEqual(['@topo/nx']);
  });

  it('keeps a registration that carries options', async () => {
    updateNxJson(tree, { plugins: [{ plugin: '@topo/nx', options: { serveTargetName: 'dev' } }] });

    await initGenerator(tree, {});

    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: '@topo/nx', options: { serveTargetName: 'dev' } }]);
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
