import * as path from 'node:path';

/** The root of the Topo repository, whatever the directory Jest was started from. */
export const repoRoot = path.resolve(__dirname, '../../../..');

/** Set `TOPO_E2E_KEEP=1` to keep the temporary registry and workspaces for a post-mortem. */
export const keepTempDirs = process.env.TOPO_E2E_KEEP === '1';
