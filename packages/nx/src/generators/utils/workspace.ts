import { readJson, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import type { SourceHost } from '../../analysis';

/** Whether the workspace links its projects with package-manager workspaces. */
export function usesPackageManagerWorkspaces(tree: Tree): boolean {
  if (tree.exists('pnpm-workspace.yaml')) return true;
  if (!tree.exists('package.json')) return false;
  return workspacePatterns(tree) !== undefined;
}

/** The `workspaces` patterns of the root package.json, if it has any. */
export function workspacePatterns(tree: Tree): string[] | undefined {
  const { workspaces } = readJson<{ workspaces?: string[] | { packages?: string[] } }>(tree, 'package.json');
  if (Array.isArray(workspaces)) return workspaces;
  if (workspaces && Array.isArray(workspaces.packages)) return workspaces.packages;
  return undefined;
}

/**
 * Whether the workspace is set up as a TypeScript solution, as `create-nx-workspace
 * --preset=ts` makes it: package-manager workspaces, a composite tsconfig.base.json, and
 * a root tsconfig.json that extends it, holds no files and references every project.
 */
export function isTsSolutionSetup(tree: Tree): boolean {
  if (!usesPackageManagerWorkspaces(tree) || !tree.exists('tsconfig.base.json') || !tree.exists('tsconfig.json')) {
    return false;
  }
  const solution = readJson(tree, 'tsconfig.json');
  const base = readJson(tree, 'tsconfig.base.json');
  return (
    solution.extends === './tsconfig.base.json' &&
    (solution.files !== undefined || solution.include !== undefined) &&
    !solution.files?.length &&
    !solution.include?.length &&
    base.compilerOptions?.composite === true &&
    base.compilerOptions?.declaration !== false
  );
}

/**
 * Whether a workspace pattern takes the package in `dir`. Understands the patterns that
 * generators write (`packages/*`, `apps/**`, `tools/foo`), not every glob.
 */
export function workspacePatternIncludes(pattern: string, dir: string): boolean {
  const normalized = posix.normalize(pattern.replace(/^\.\//, '')).replace(/\/$/, '');
  if (normalized === dir) return true;
  if (normalized.endsWith('/**')) return dir.startsWith(`${normalized.slice(0, -3)}/`);
  if (normalized.endsWith('/*')) return posix.dirname(dir) === normalized.slice(0, -2);
  return normalized === '*' && !dir.includes('/');
}

/**
 * The test-runner import a generated spec needs: vitest's functions are imported, jest's
 * are globals.
 */
export function testRunnerImport(tree: Tree): string | undefined {
  if (!tree.exists('package.json')) return undefined;
  const { dependencies = {}, devDependencies = {} } = readJson(tree, 'package.json');
  return 'vitest' in devDependencies || 'vitest' in dependencies
    ? `import { describe, expect, it } from 'vitest';`
    : undefined;
}

/** Whether the nearest package.json above `directory` makes .ts files ES modules. */
export function isEsmFolder(host: SourceHost, directory: string): boolean {
  for (let dir = directory; ; dir = posix.dirname(dir)) {
    const text = host.read(dir === '.' ? 'package.json' : posix.join(dir, 'package.json'));
    if (text !== undefined) {
      try {
        return JSON.parse(text).type === 'module';
      } catch {
        return false;
      }
    }
    if (dir === '.' || dir === '') return false;
  }
}

/** A user-given folder as a workspace-relative posix path: no `./`, no trailing slash. */
export function normalizePath(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\/|\/$/g, '');
}
