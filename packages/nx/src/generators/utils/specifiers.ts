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
