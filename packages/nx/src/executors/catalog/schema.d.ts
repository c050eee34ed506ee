export interface CatalogExecutorOptions {
  /** Where to write, workspace-relative; default dist/<app>/catalog. */
  outputPath?: string;
}
