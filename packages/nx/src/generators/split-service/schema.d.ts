export interface SplitServiceGeneratorSchema {
  /** The service to move the endpoints out of. */
  from: string;
  /** Export names (`h2`) or `"METHOD /path"` (`"GET /yo/:name"`); comma-separated lists are split. */
  endpoints: string[] | string;
  /** The new service's name, kebab-case. */
  name: string;
  /** Folder of the new service; default: beside the source service. */
  directory?: string;
  /** When the moved code and the code that stays use one database: `share` it by name, or give the new service its `own`. */
  database?: 'share' | 'own';
  skipFormat?: boolean;
}
