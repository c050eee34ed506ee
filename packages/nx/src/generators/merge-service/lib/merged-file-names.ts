import { posix } from 'node:path';

/** The two services of a merge, by name: `from` is merged into `into`. */
export interface MergedNames {
  readonly from: string;
  readonly into: string;
}

const CODE_EXTENSIONS = ['ts', 'tsx', 'mts', 'cts'];

/**
 * Where a file of the merged service goes, relative to the remaining service's folder: the
 * same relative place, except that the split's renaming is undone. The split names the
 * module it makes of the source's main module after the new service (`hello.ts` gives
 * `yo.ts`, `hello.spec.ts` gives `yo.spec.ts`); so the merged service's main module
 * (`yo.ts`) goes to the remaining service's (`hello.ts`) when that one exists, where the
 * two are joined, and the files named after it beside it (`yo.spec.ts`, `yo.test.ts`)
 * follow it. Without a main module of its own, a file named after the merged service goes
 * to the remaining service's file of that name when there is one. Main modules that cannot
 * be one (`canJoin`: both declare a name) keep their names, and so do the files beside them.
 *
 * @example
 * const into = new Set(['hello.ts']);
 * mergedFileName('yo.spec.ts', { from: 'yo', into: 'hello' }, (f) => into.has(f), (f) => f === 'yo.ts'); // 'hello.spec.ts'
 * mergedFileName('lib/shout.ts', { from: 'yo', into: 'hello' }, (f) => into.has(f), () => true); // 'lib/shout.ts'
 */
export function mergedFileName(
  relative: string,
  names: MergedNames,
  intoHas: (relative: string) => boolean,
  fromHas: (relative: string) => boolean,
  canJoin: (fromModule: string, intoModule: string) => boolean = () => true,
): string {
  const dir = posix.dirname(relative);
  const [stem, ...rest] = posix.basename(relative).split('.');
  if (stem !== names.from || rest.length === 0 || names.from === names.into) return relative;
  const named = (name: string, extension: string) => posix.join(dir, `${name}.${extension}`);
  const renamed = named(names.into, rest.join('.'));
  const main = CODE_EXTENSIONS.find((extension) => fromHas(named(names.from, extension)));
  if (main === undefined) return intoHas(renamed) ? renamed : relative;
  return intoHas(named(names.into, main)) && canJoin(named(names.from, main), named(names.into, main)) ? renamed : relative;
}
