import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, REPO_ROOT, runInWorkspace } from './fixture-workspace';

/** One generator run: the workspace, the generator of @topo/nx and its options, as `nx g` would pass them. */
export interface GeneratorJob {
  root: string;
  generator: 'split-service' | 'merge-service' | 'service' | 'init';
  options: Record<string, unknown>;
}

/**
 * What `nx g` does for each job, minus Nx's boot, in one Node process for all of them: the
 * built generator (packages/nx/dist, as the CLI loads it) runs on Nx's FsTree over the
 * workspace on disk, and its changes are written as Nx writes them (formatting included,
 * which Jest's module system cannot run: Prettier loads itself with `import()`). Each result
 * reads like a command's: exit 0, or 1 and the generator's error.
 *
 * @example
 * const [split] = await runGenerators([{ root, generator: 'split-service', options: { from: 'hello', endpoints: 'h2', name: 'yo' } }]);
 */
export async function runGenerators(jobs: readonly GeneratorJob[]): Promise<CommandResult[]> {
  if (jobs.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'topo-generate-'));
  try {
    const input = join(dir, 'jobs.json');
    const output = join(dir, 'results.json');
    writeFileSync(input, JSON.stringify(jobs));
    const run = await runInWorkspace(REPO_ROOT, process.execPath, ['-e', SCRIPT, input, output, join(REPO_ROOT, 'packages', 'nx', 'dist')]);
    let results: { status: number; error?: string; printed: string }[];
    try {
      results = JSON.parse(readFileSync(output, 'utf8'));
    } catch {
      throw new Error(`The generators did not run (exit ${run.status}):\n${run.output}`);
    }
    return results.map(({ status, error, printed }) => ({ status, stdout: printed, stderr: error ?? '', output: error ?? printed }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SCRIPT = `
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const [input, output, dist] = process.argv.slice(1);
const { FsTree, flushChanges } = require(require.resolve('nx/src/generators/tree', { paths: [dist] }));
const { logger } = require(require.resolve('@nx/devkit', { paths: [dist] }));
(async () => {
  const results = [];
  for (const job of JSON.parse(readFileSync(input, 'utf8'))) {
    const printed = [];
    logger.info = (...args) => printed.push(args.join(' '));
    const generate = require(join(dist, 'generators', job.generator, job.generator)).default;
    process.chdir(job.root);
    const tree = new FsTree(job.root, false);
    try {
      const callback = await generate(tree, job.options);
      flushChanges(job.root, tree.listChanges());
      if (typeof callback === 'function') await callback();
      results.push({ status: 0, printed: printed.join('\\n') });
    } catch (error) {
      results.push({ status: 1, error: error instanceof Error ? error.message : String(error), printed: printed.join('\\n') });
    }
  }
  writeFileSync(output, JSON.stringify(results));
})();
`;
