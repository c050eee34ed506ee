export interface InitGeneratorSchema {
  /** Name of the app to create; default `api`. An app is created only when the workspace has none, or when this is given. */
  app?: string;
  /** Folder of the app; default `apps/<app>` when the workspace has an apps/ folder, else `packages/<app>`. */
  directory?: string;
  /** Port of the app; default 4000. */
  port?: number;
  /** Test runner for the services' specs; default: the workspace's, else jest. */
  testRunner?: 'jest' | 'vitest' | 'none';
  /** Leave package.json alone: no dependencies added, nothing to install. */
  skipPackageJson?: boolean;
  /** Keep the versions package.json has already (`nx add` passes it). */
  keepExistingVersions?: boolean;
  skipFormat?: boolean;
}
