export interface ServeExecutorOptions {
  topology?: string;
  env?: string;
  port?: number;
  host?: string;
  watch?: boolean;
  freshDatabases?: boolean;
}
