import {
  addProjectConfiguration,
  generateFiles,
  joinPathFragments,
  logger,
  offsetFromRoot,
  readJson,
  type Tree,
  updateJson,
  writeJson,
} from '@nx/devkit';
import { posix } from 'node:path';
import { templatesOf } from '../../utils/package-files';
import { isTsSolutionSetup, usesPackageManagerWorkspaces, workspacePatternIncludes, workspacePatterns } from '../../utils/workspace';

/** The app init creates, normalised. */
export interface NewApp {
  /** Nx project name. */
  name: string;
  /** Workspace-relative folder. */
  directory: string;
  port: number;
}

/**
 * Creates the app as a project of the kind the workspace uses: in a TypeScript solution
 * (`create-nx-workspace --preset=ts`), a workspace package with its own tsconfig.json,
 * referenced from the root tsconfig.json so that `nx sync:check` passes; with
 * package-manager workspaces only, a workspace package; otherwise a project.json.
 */
export function createApp(tree: Tree, app: NewApp): void {
  generateFiles(tree, templatesOf('init', 'app'), app.directory, { port: app.port, tmpl: '' });
  if (usesPackageManagerWorkspaces(tree)) {
    writePackageJson(tree, app);
    includeInWorkspaces(tree, app.directory);
  } else {
    addProjectConfiguration(tree, app.name, {
      root: app.directory,
      sourceRoot: app.directory,
      projectType: 'application',
      tags: [],
      targets: {},
    });
  }
  writeTsconfig(tree, app);
}

function writePackageJson(tree: Tree, app: NewApp): void {
  const rootName = tree.exists('package.json') ? readJson(tree, 'package.json').name : undefined;
  const scope = typeof rootName === 'string' && rootName.startsWith('@') ? rootName.split('/')[0] : undefined;
  const packageName = scope ? `${scope}/${app.name}` : app.name;
  writeJson(tree, joinPathFragments(app.directory, 'package.json'), {
    name: packageName,
    version: '0.0.1',
    private: true,
    // `nx serve api` rather than `nx serve @acme/api`.
    ...(packageName === app.name ? {} : { nx: { name: app.name } }),
  });
}

/** Makes sure the package manager links the app's folder as a workspace package. */
function includeInWorkspaces(tree: Tree, directory: string): void {
  const patterns = workspacePatterns(tree);
  if (!patterns) {
    if (tree.exists('pnpm-workspace.yaml')) {
      logger.warn(`Add "${directory}" to the packages of pnpm-workspace.yaml if no pattern there covers it yet.`);
    }
    return;
  }
  if (patterns.some((pattern) => workspacePatternIncludes(pattern, directory))) return;
  // `apps/*` reads best, unless it would also take in other packages of that folder.
  const parent = posix.dirname(directory);
  const siblingPackages =
    parent !== '.' &&
    tree.children(parent).some((child) => posix.join(parent, child) !== directory && tree.exists(posix.join(parent, child, 'package.json')));
  const pattern = parent === '.' || siblingPackages ? directory : `${parent}/*`;
  updateJson(tree, 'package.json', (json) => {
    if (Array.isArray(json.workspaces)) json.workspaces.push(pattern);
    else json.workspaces.packages.push(pattern);
    return json;
  });
}

function writeTsconfig(tree: Tree, app: NewApp): void {
  const path = joinPathFragments(app.directory, 'tsconfig.json');
  if (tree.exists(path)) return;
  const offset = offsetFromRoot(app.directory);
  // Tests are type-checked by their runner; the app's typecheck covers the services' code.
  const include = ['**/*.ts'];
  const exclude = ['node_modules', 'dist', 'out-tsc', '**/*.spec.ts', '**/*.test.ts'];
  if (isTsSolutionSetup(tree)) {
    writeJson(tree, path, {
      extends: `${offset}tsconfig.base.json`,
      compilerOptions: { outDir: 'out-tsc', rootDir: '.', tsBuildInfoFile: 'out-tsc/tsconfig.tsbuildinfo' },
      include,
      exclude,
    });
    updateJson(tree, 'tsconfig.json', (json) => {
      const reference = `./${app.directory}`;
      json.references ??= [];
      if (!json.references.some((r: { path: string }) => r.path === reference)) json.references.push({ path: reference });
      return json;
    });
  } else if (tree.exists('tsconfig.base.json')) {
    writeJson(tree, path, {
      extends: `${offset}tsconfig.base.json`,
      compilerOptions: { outDir: `${offset}dist/out-tsc` },
      include,
      exclude,
    });
  } else {
    writeJson(tree, path, {
      compilerOptions: {
        target: 'es2022',
        module: 'commonjs',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
      },
      include,
      exclude,
    });
  }
}
