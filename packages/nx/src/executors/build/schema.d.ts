import type { EngineChoice } from '../../deploy/engine';

export interface BuildExecutorOptions {
  topology?: string;
  env?: string;
  engine?: EngineChoice;
  baseImage?: string;
  tag?: string;
  external?: string[];
}
