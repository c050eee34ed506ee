import { type ExecutorContext, logger } from '@nx/devkit';
import { join } from 'node:path';
import type { BuildSettings, ImageSettings } from './build-app';
import { DEFAULT_BASE_IMAGE } from './dockerfile';
import { type EngineChoice, ENGINES } from './engine';

/** The options every build executor takes (app build, service build, container). */
export interface BuildOptions {
  baseImage?: string;
  tag?: string;
  external?: string[];
}

/** The settings every build executor shares, checked once. */
export function buildSettings(options: BuildOptions, context: ExecutorContext, appName: string, appRoot: string): BuildSettings {
  const tag = options.tag;
  if (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    throw new Error(`--tag=${tag} is not an image tag: use letters, digits, _, . and -, up to 128 (or leave it out for a content hash).`);
  }
  return {
    workspaceRoot: context.root,
    appName,
    appRoot: join(context.root, appRoot),
    baseImage: options.baseImage ?? DEFAULT_BASE_IMAGE,
    tag,
    external: options.external ?? [],
    log: (message) => logger.info(message),
  };
}

/** The settings of the container targets: the build's, and the engine to build with. */
export function imageSettings(options: BuildOptions & { engine?: EngineChoice }, context: ExecutorContext, appName: string, appRoot: string): ImageSettings {
  const engine = options.engine ?? 'auto';
  if (!ENGINES.includes(engine)) throw new Error(`--engine=${engine} is not an engine. Pass one of: ${ENGINES.join(', ')}.`);
  return { ...buildSettings(options, context, appName, appRoot), engine };
}
