import type { EngineChoice } from '../../deploy/engine';

export interface ContainerExecutorOptions {
  /** On a service's target: the app that serves it. Left out on an app's own target. */
  app?: string;
  topology?: string;
  env?: string;
  engine?: EngineChoice;
  baseImage?: string;
  tag?: string;
  external?: string[];
}
