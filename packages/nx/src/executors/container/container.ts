import { type ExecutorContext, logger } from '@nx/devkit';
import { readAppConfig } from '../../analysis';
import { buildAppImages, buildServiceImage } from '../../deploy/build-app';
import { imageSettings } from '../../deploy/settings';
import { appProject } from '../build-service/build-service';
import type { ContainerExecutorOptions } from './schema';

/**
 * The `container` target. On a service (option `app`): the image of its own build. On an
 * app: every image of the topology its `build` (which runs first) wrote, the gateway's
 * among them. Fails, saying why and what to do, when no engine can build or the base image
 * cannot be found or pulled; the bundles are written by then.
 */
export default async function containerExecutor(options: ContainerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName ? context.projectsConfigurations?.projects[context.projectName] : undefined;
  if (!project) throw new Error('The container target needs a project: run it as `nx run <project>:container`.');
  if (options.app !== undefined) {
    const app = appProject(options.app, context);
    const built = await buildServiceImage({ ...imageSettings(options, context, options.app, app.root), service: context.projectName! });
    logger.info(`Built image ${built.image} of service ${context.projectName}.`);
    return { success: true };
  }
  if (options.topology && options.env) throw new Error(`Give --topology or --env, not both (got --topology=${options.topology} --env=${options.env}).`);
  const built = await buildAppImages(imageSettings(options, context, context.projectName!, project.root), appTopology(options, context, project.root));
  logger.info(`Built ${built.length} image${built.length === 1 ? '' : 's'} of ${context.projectName}: ${built.map((p) => p.image).join(', ')}.`);
  return { success: true };
}

/** The topology an app's container target builds: --topology, the one --env names, or mono. */
function appTopology(options: ContainerExecutorOptions, context: ExecutorContext, appRoot: string): string {
  if (options.env === undefined) return options.topology ?? 'mono';
  const { config } = readAppConfig(context.root, appRoot);
  const topology = config?.environments[options.env];
  if (!topology) throw new Error(`--env=${options.env} is not an environment of ${appRoot}/topo.json (it has: ${Object.keys(config?.environments ?? {}).join(', ') || 'none'}).`);
  return topology;
}
