import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file of the module that called into `skipFile`: the first frame of the call stack
 * in another file (and outside Node's own modules). Undefined when no frame names a file (code
 * run by eval, say). Structured call sites, not the text of a stack: source maps and
 * `file://` URLs are handled for us.
 *
 * @example
 * ```ts
 * const declaredIn = callerFile(__filename); // '/app/services/orders/db.ts'
 * ```
 */
export function callerFile(skipFile: string): string | undefined {
  const original = Error.prepareStackTrace;
  let sites: unknown;
  try {
    Error.prepareStackTrace = (_error, stack) => stack;
    sites = new Error().stack;
  } finally {
    Error.prepareStackTrace = original;
  }
  if (!Array.isArray(sites)) return undefined;
  for (const site of sites as NodeJS.CallSite[]) {
    let file = site.getFileName();
    if (file === undefined || file === null) continue;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith('node:') || file === skipFile || file === __filename || !isAbsolute(file)) continue;
    return file;
  }
  return undefined;
}
