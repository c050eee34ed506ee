import type { BuildExecutorOptions } from '../build/schema';

export interface ServiceExecutorOptions extends BuildExecutorOptions {
  app: string;
}
