import { type ExecutorContext, logger } from '@nx/devkit';
import { buildService } from '../../deploy/build-app';
import { buildSettings } from '../../deploy/settings';
import type { ServiceExecutorOptions } from './schema';

/**
 * A service's `build` target: its bundle alone (see buildService), the same in every
 * topology, so that micro, custom topologies and the `container` target share it.
 */
export default async function buildServiceExecutor(options: ServiceExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const app = appProject(options.app, context);
  const built = await buildService({ ...buildSettings(options, context, options.app, app.root), service: context.projectName! });
  logger.info(`Built service ${context.projectName} in ${built.dir}.`);
  return { success: true };
}

/** The app project that serves a service, by the name in the service target's `app` option. */
export function appProject(app: string, context: ExecutorContext): { root: string } {
  const project = context.projectsConfigurations?.projects[app];
  if (!project) throw new Error(`There is no app "${app}" for service ${context.projectName}: set the target's "app" option to the project whose topo.json serves it.`);
  return project;
}
