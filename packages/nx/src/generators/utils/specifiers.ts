import { posix } from 'node:path';

/** `./x` or `../y/z` from `fromModule` to `target` (both workspace-relative), as written. */
export function relativeSpecifier(fromModule: string, target: string): string {
  const relative = posix.relative(posix.dirname(fromModule), target);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** The specifier `module` imports workspace file `file` by: relative, without `.ts`, with `.js` in ES module packages. */
export function moduleSpecifier(module: string, file: string, importExtension: '' | '.js'): string {
  const stem = file.replace(/\.tsx?$/, '');
  return `${relativeSpecifier(module, stem)}${importExtension}`;
}

/**
 * The specifier from `fromModule` to workspace file `target`, written in the style of
 * `original`: the folder for an index, `.js` or `.ts` where it had one.
 */
export function respell(original: string, fromModule: string, target: string): string {
  const stem = target.replace(/\.[cm]?tsx?$/, '');
  const last = original.split('/').pop() ?? '';
  if (posix.basename(stem) === 'index' && !/^index(\.[cm]?[jt]sx?)?$/.test(last)) {
    return relativeSpecifier(fromModule, posix.dirname(target));
  }
  const extension = /\.[cm]?[jt]sx?$/.exec(last)?.[0] ?? '';
  return `${relativeSpecifier(fromModule, stem)}${extension}`;
}
