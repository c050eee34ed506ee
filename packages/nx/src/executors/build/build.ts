import { type ExecutorContext, logger } from '@nx/devkit';
import { buildApp } from '../../deploy/build-app';
import { buildSettings } from '../../deploy/settings';
import type { BuildExecutorOptions } from './schema';

/**
 * `nx build <app> --topology=<mono|micro|name>`: see buildApp. It writes bundles, Dockerfiles,
 * compose and Kubernetes files, and needs no container engine: `nx run <app>:container`
 * builds the images.
 */
export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName ? context.projectsConfigurations?.projects[context.projectName] : undefined;
  if (!project) throw new Error('nx build for a Topo app needs a project: run it as `nx build <app>`.');
  if (options.topology && options.env) throw new Error(`Give --topology or --env, not both (got --topology=${options.topology} --env=${options.env}).`);
  const result = await buildApp({ ...buildSettings(options, context, context.projectName!, project.root), topology: options.topology, env: options.env });
  logger.info(`Built ${context.projectName} (${result.topology}) in ${result.outDir}.`);
  return { success: true };
}
