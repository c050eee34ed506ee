import type * as TS from 'typescript';

let loaded: typeof TS | undefined;

/**
 * The workspace's TypeScript, loaded on first use: the graph plugin answers from its
 * cache most of the time and should not pay for loading the compiler then.
 */
export function typescript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('typescript') as typeof TS;
  return loaded;
}
