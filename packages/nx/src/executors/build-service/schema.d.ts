export interface ServiceExecutorOptions {
  app: string;
  external?: string[];
  /** Accepted from `nx run-many -t build --topology=...` and not used: the bundle is the same in every topology. */
  topology?: string;
  env?: string;
  engine?: string;
  baseImage?: string;
  tag?: string;
}
