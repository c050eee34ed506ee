import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { ServeExecutorOptions } from '../schema';

export interface NormalizedServeOptions {
  workspaceRoot: string;
  appName: string;
  /** Absolute. */
  appRoot: string;
  topology?: string;
  env?: string;
  /** The app's port: the mono process or the gateway listens here. */
  port: number;
  host: string;
  watch: boolean;
  /** Start embedded databases empty, discarding the data kept from earlier runs. */
  freshDatabases?: boolean;
}

/** Options normalised once, up front; the port comes from topo.json unless given. */
export function normalizeOptions(options: ServeExecutorOptions, context: ExecutorContext, configuredPort: number): NormalizedServeOptions {
  const project = context.projectName ? context.projectsConfigurations?.projects[context.projectName] : undefined;
  if (!project) throw new Error('nx serve for a Topo app needs a project: run it as `nx serve <app>`.');
  if (options.topology && options.env) {
    throw new Error(`Give --topology or --env, not both (got --topology=${options.topology} --env=${options.env}).`);
  }
  const port = options.port ?? configuredPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a whole number from 1 to 65535 (got ${options.port}).`);
  return {
    workspaceRoot: context.root,
    appName: context.projectName!,
    appRoot: join(context.root, project.root),
    topology: options.topology,
    env: options.env,
    port,
    host: options.host ?? '127.0.0.1',
    watch: options.watch ?? true,
    freshDatabases: options.freshDatabases ?? false,
  };
}
