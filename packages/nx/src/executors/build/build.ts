import { join } from 'node:path';
import { type ExecutorContext, logger } from '@nx/devkit';
import { type BuildSettings, buildApp } from '../../deploy/build-app';
import { DEFAULT_BASE_IMAGE } from '../../deploy/dockerfile';
import type { EngineChoice } from '../../deploy/engine';
import type { BuildExecutorOptions } from './schema';

const ENGINES: readonly EngineChoice[] = ['auto', 'podman', 'docker', 'none'];

/** The settings every build executor shares, checked once. */
export function buildSettings(options: BuildExecutorOptions, context: ExecutorContext, appName: string, appRoot: string): BuildSettings {
  const engine = options.engine ?? 'auto';
  if (!ENGINES.includes(engine)) throw new Error(`--engine=${engine} is not an engine. Pass one of: ${ENGINES.join(', ')}.`);
  const tag = options.tag ?? 'latest';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new Error(`--tag=${tag} is not an image tag: use letters, digits, _, . and -, up to 128.`);
  return {
    workspaceRoot: context.root,
    appName,
    appRoot: join(context.root, appRoot),
    engine,
    baseImage: options.baseImage ?? DEFAULT_BASE_IMAGE,
    tag,
    external: options.external ?? [],
    log: (message) => logger.info(message),
  };
}

/**
 * `nx build <app> --topology=<mono|micro|name>`: see buildApp. The services whose
 * `container` target runs in the same Nx run (the target's dependencies) are taken from
 * their own builds, cached per service by Nx.
 */
export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName ? context.projectsConfigurations?.projects[context.projectName] : undefined;
  if (!project) throw new Error('nx build for a Topo app needs a project: run it as `nx build <app>`.');
  if (options.topology && options.env) throw new Error(`Give --topology or --env, not both (got --topology=${options.topology} --env=${options.env}).`);
  const builtByTasks = new Set(
    Object.values(context.taskGraph?.tasks ?? {})
      .filter((task) => task.target.target === 'container' && task.target.project !== context.projectName)
      .map((task) => task.target.project),
  );
  const result = await buildApp({
    ...buildSettings(options, context, context.projectName!, project.root),
    topology: options.topology,
    env: options.env,
    builtByTasks,
  });
  logger.info(`Built ${context.projectName} (${result.topology}) in ${result.outDir}${result.engine ? `, images with ${result.engine}` : ''}.`);
  return { success: true };
}
