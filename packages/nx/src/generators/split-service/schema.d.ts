export interface SplitServiceGeneratorSchema {
  /** The service to move the endpoints out of. */
  from: string;
  /** Export names (`h2`) or `"METHOD /path"` (`"GET /yo/:name"`); comma-separated lists are split. */
  endpoints: string[] | string;
  /** The new service's name, kebab-case. */
  name: string;
  /** Folder of the new service; default: beside the source service. */
  directory?: string;
  skipFormat?: boolean;
}
