import { type CommandResult, fileHashes } from './fixture-workspace';

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
