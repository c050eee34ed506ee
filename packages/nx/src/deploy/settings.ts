import { type ExecutorContext, logger } from '@nx/devkit';
import { join } from 'node:path';
import type { BuildSettings } from './build-app';
import { DEFAULT_BASE_IMAGE } from './dockerfile';
import type { EngineChoice } from './engine';

/** The options every build executor takes (app build, service build, container). */
export interface BuildOptions {
  engine?: EngineChoice;
  baseImage?: string;
  tag?: string;
  external?: string[];
}

const ENGINES: readonly EngineChoice[] = ['auto', 'podman', 'docker', 'none'];

/** The settings every build executor shares, checked once. */
export function buildSettings(options: BuildOptions, context: ExecutorContext, appName: string, appRoot: string): BuildSettings {
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

