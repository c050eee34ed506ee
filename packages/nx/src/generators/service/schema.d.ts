export interface ServiceGeneratorSchema {
  /** The service's name, kebab-case: `new Service('<name>')`. */
  name: string;
  /** The app (Nx project name or folder) to add the service to; needed when the workspace has several. */
  app?: string;
  /** Folder of the service; default `<app folder>/services/<name>`. */
  directory?: string;
  skipFormat?: boolean;
}
