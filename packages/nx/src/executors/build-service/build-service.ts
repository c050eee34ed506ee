import { type ExecutorContext, logger } from '@nx/devkit';
import { buildService, buildServiceImage } from '../../deploy/build-app';
import { readAppConfig } from '../../analysis';
import { buildSettings } from '../../deploy/settings';
import type { ServiceExecutorOptions } from './schema';

/**
 * A service's `build` target: its bundle alone (see buildService). When the app's build
 * forwards `--topology=mono`, whose bundle holds every service, there is nothing to do.
 */
export default async function buildServiceExecutor(options: ServiceExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  if (await monoBuild(options, context)) return { success: true };
  const app = appProject(options, context);
  const built = await buildService({ ...buildSettings(options, context, options.app, app.root), service: context.projectName! });
  logger.info(`Built service ${context.projectName} in ${built.dir}.`);
  return { success: true };
}

/** A service's `container` target: the image of its build. */
export async function containerExecutor(options: ServiceExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  if (await monoBuild(options, context)) return { success: true };
  const app = appProject(options, context);
  await buildServiceImage({ ...buildSettings(options, context, options.app, app.root), service: context.projectName! });
  return { success: true };
}

function appProject(options: ServiceExecutorOptions, context: ExecutorContext): { root: string } {
  const app = context.projectsConfigurations?.projects[options.app];
  if (!app) throw new Error(`There is no app "${options.app}" for service ${context.projectName}: set the target's "app" option to the project whose topo.json serves it.`);
  return app;
}

/** Whether the app's build asked for mono, directly or through an environment. */
async function monoBuild(options: ServiceExecutorOptions, context: ExecutorContext): Promise<boolean> {
  if (options.topology !== undefined) return options.topology === 'mono';
  if (options.env === undefined) return false;
  const app = context.projectsConfigurations?.projects[options.app];
  const config = app ? readAppConfig(context.root, app.root).config : undefined;
  return config?.environments[options.env] === 'mono';
}
