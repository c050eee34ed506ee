import { type ExecutorContext, logger } from '@nx/devkit';
import { buildApp } from '../../deploy/build-app';
import { buildSettings } from '../../deploy/settings';
import type { BuildExecutorOptions } from './schema';

/**
 * `nx build <app> --topology=<mono|micro|name>`: see buildApp. The services whose
 * `container` target runs in the same Nx run (the target's dependencies) are taken from
 * their own builds, cached per service by Nx.
 */
export default async function buildExecutor(options: BuildExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName ? context.projectsConfigurations?.projects[context.projectName] : undefined;
  if (!project) throw new Error('nx build for a Topo app needs a project: run it as `nx build <app>`.');
  if (options.topology && options.env) throw new Error(`Give --topology or --env, not both (got --topology=${options.topology} --env=${options.env}).`);
  const builtByTasks = servicesBuiltByTasks(context);
  const result = await buildApp({
    ...buildSettings(options, context, context.projectName!, project.root),
    topology: options.topology,
    env: options.env,
    builtByTasks,
  });
  logger.info(`Built ${context.projectName} (${result.topology}) in ${result.outDir}${result.engine ? `, images with ${result.engine}` : ''}.`);
  return { success: true };
}

/**
 * The services whose image a task of this run builds before the app's build: the tasks this
 * one depends on (its `dependsOn` names the services' container target, whatever the plugin
 * options call it).
 */
function servicesBuiltByTasks(context: ExecutorContext): Set<string> {
  const graph = context.taskGraph;
  if (!graph) return new Set();
  const self = Object.values(graph.tasks).find((task) => task.target.project === context.projectName && task.target.target === context.targetName);
  const dependencies = self ? (graph.dependencies[self.id] ?? []) : [];
  return new Set(dependencies.map((id) => graph.tasks[id]?.target.project).filter((project): project is string => !!project && project !== context.projectName));
}
