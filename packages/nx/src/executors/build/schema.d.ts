import type { EngineChoice } from '../../deploy/engine';

export interface BuildExecutorOptions {
  topology?: string;
  env?: string;
  /** Not used by the build: accepted because `nx run <app>:container` forwards it. */
  engine?: EngineChoice;
  baseImage?: string;
  tag?: string;
  external?: string[];
}
