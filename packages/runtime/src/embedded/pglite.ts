import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * PGlite and its socket server, loaded only here, on demand: they are optional dependencies
 * of `@topo/runtime`, for development and tests; a production process never loads them.
 */

/** The PGlite this runtime is built and tested with; `@electric-sql/pglite-socket` 0.2.17 pins it. */
export const PGLITE_VERSION = '0.5.14';
export const PGLITE_SOCKET_VERSION = '0.2.17';

const INSTALL_HINT = `install them: npm install --save-dev @electric-sql/pglite@${PGLITE_VERSION} @electric-sql/pglite-socket@${PGLITE_SOCKET_VERSION}`;

export function loadPGlite(): typeof import('@electric-sql/pglite') {
  return loadOptional('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
}

export function loadPGliteSocket(): typeof import('@electric-sql/pglite-socket') {
  return loadOptional('@electric-sql/pglite-socket') as typeof import('@electric-sql/pglite-socket');
}

function loadOptional(id: string): unknown {
  try {
    return nodeRequire()(id);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error(`the embedded database needs ${id}, which is not installed; ${INSTALL_HINT}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Node's own `require`, even under Jest. PGlite loads parts of itself with `import()`, which
 * Jest's module sandbox refuses without --experimental-vm-modules; Jest's `module` is a
 * subclass of Node's whose `createRequire` loads into the sandbox, so the class it extends
 * gives Node's. Loaded this way, PGlite (and its compiled WebAssembly) also stays loaded from
 * one test file to the next in a worker. Outside Jest this is plain `createRequire`.
 */
function nodeRequire(): NodeJS.Require {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const moduleClass = require('node:module') as typeof import('node:module');
  const outer = Object.getPrototypeOf(moduleClass) as Partial<typeof import('node:module')> | null;
  const createRequire = typeof outer?.createRequire === 'function' ? outer.createRequire : moduleClass.createRequire;
  return createRequire(__filename);
}

/** Opens a data folder (made from a template, so never an initdb here). */
export async function openPGlite(dataDir: string): Promise<PGlite> {
  const { PGlite } = loadPGlite();
  return PGlite.create(dataDir);
}

/**
 * Serves a PGlite over the Postgres wire protocol on `host:port` (0: a free port). One server
 * serves one database; its connections share PGlite's single backend, taking turns query by
 * query, and a transaction holds the others until it ends.
 */
export async function serveOverSocket(db: PGlite, host: string, port: number): Promise<{ server: PGLiteSocketServer; port: number }> {
  const { PGLiteSocketServer } = loadPGliteSocket();
  const server = new PGLiteSocketServer({ db, host, port, maxConnections: 100 });
  await server.start();
  const conn = server.getServerConn();
  const bound = Number(conn.slice(conn.lastIndexOf(':') + 1));
  return { server, port: bound };
}

/** Lets the process exit while the server is still listening (a test file's database). */
export function unrefServer(server: PGLiteSocketServer): void {
  (server as unknown as { server?: { unref?: () => void } | null }).server?.unref?.();
}
