import type { Tree } from '@nx/devkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CommandResult, copyFixtureWorkspace, fileHashes, NOT_WORKSPACE_FILES } from './fixture-workspace';

/** The command's output without npm's own warnings, with Nx's "NX" banners left in. */
export function printed(result: CommandResult): string {
  return result.output
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .join('\n');
}

/**
 * Asserts that a generator run through the CLI refused: it failed, its output holds every
 * text of `message`, it announced no file change, and the workspace's files are byte for
 * byte `before` (from `fileHashes`). On a failure, what the command printed is in the diff.
 */
export function expectRefused(root: string, result: CommandResult, message: readonly string[], before: Record<string, string>): void {
  const output = printed(result);
  const missing = message.filter((text) => !output.includes(text));
  const exit = result.status === 0 ? 'succeeded' : 'failed';
  expect({ exit, missing, output: missing.length || exit === 'succeeded' ? output : 'as expected' }).toEqual({
    exit: 'failed',
    missing: [],
    output: 'as expected',
  });
  expect(output).not.toMatch(/^(CREATE|UPDATE|DELETE) /m);
  expect(fileHashes(root)).toEqual(before);
}

/**
 * A copy of a fixture workspace in a temporary folder with `files` (workspace-relative path
 * → text; `undefined` leaves a file out) written over it: the workspace a refusal starts
 * from, on disk, as `nx g` would find it. Remove it with `removeWorkspace`.
 */
export function refusalWorkspace(
  fixture: string,
  files: Record<string, string | undefined>,
  options: { prefix?: string; exclude?: readonly string[] } = {},
): string {
  const root = copyFixtureWorkspace(fixture, options);
  for (const [file, text] of Object.entries(files)) {
    if (text === undefined) continue;
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

type FsTreeClass = new (root: string, isVerbose: boolean) => Tree;

/**
 * The Tree `nx g` hands a generator: Nx's FsTree over the workspace on disk, which reads
 * the files as they are and records every change in memory; nothing reaches the disk
 * until the changes are flushed, which these tests never do. Nx exports the class only
 * from its internals (`@nx/devkit/testing` offers trees over an empty virtual folder).
 */
export function workspaceTree(root: string): Tree {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FsTree } = require('nx/src/devkit-internals') as { FsTree: FsTreeClass };
  return new FsTree(root, false);
}

/** Every file of the tree, by workspace-relative path, with its text, outside `node_modules` and `.nx`. */
export function treeFiles(tree: Tree, ignore: readonly string[] = NOT_WORKSPACE_FILES): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of [...tree.children(dir)].sort()) {
      if (dir === '' && ignore.includes(entry)) continue;
      const path = dir ? `${dir}/${entry}` : entry;
      if (tree.isFile(path)) files[path] = tree.read(path, 'utf-8') ?? '<unreadable>';
      else walk(path);
    }
  };
  walk('');
  return files;
}

/**
 * Asserts that a generator run on `tree` refused: `run` threw an error whose message holds
 * every text of `message`, the tree recorded no change (`listChanges()` is empty), every
 * file reads through the tree as it did before the run, and no file on disk changed either
 * (the generator wrote nothing behind the tree's back). On a failure, the message or the
 * changes are in the diff.
 *
 * @example
 * await expectTreeRefused(tree, () => splitServiceGenerator(tree, schema), ['There is no service "helo".']);
 */
export async function expectTreeRefused(tree: Tree, run: () => Promise<unknown>, message: readonly string[]): Promise<void> {
  const before = { files: treeFiles(tree), disk: fileHashes(tree.root) };
  let thrown: unknown;
  let threw = false;
  try {
    await run();
  } catch (error) {
    threw = true;
    thrown = error;
  }
  const text = thrown instanceof Error ? thrown.message : String(thrown);
  const missing = message.filter((part) => !text.includes(part));
  const outcome = threw ? 'threw' : 'returned';
  expect({ outcome, missing, message: missing.length || !threw ? text : 'as expected' }).toEqual({
    outcome: 'threw',
    missing: [],
    message: 'as expected',
  });
  expect(tree.listChanges().map((change) => `${change.type} ${change.path}`)).toEqual([]);
  expect({ files: treeFiles(tree), disk: fileHashes(tree.root) }).toEqual(before);
}
