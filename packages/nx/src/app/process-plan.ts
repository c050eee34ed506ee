import type { GatewayRoute, JsonSchema } from '@topo/runtime/contract';

/**
 * What one process of an app runs: the plan that the serve and build executors turn into
 * an entry module, a bundle and a running process. Paths are absolute.
 */
export type { GatewayRoute, JsonSchema };

export interface PlannedEndpoint {
  exportName: string;
  file: string;
  schema?: JsonSchema;
}

export interface PlannedService {
  name: string;
  serviceFile: string;
  endpoints: PlannedEndpoint[];
}

/** A process group: one or more services in one process. */
export interface ServiceProcessPlan {
  kind: 'process';
  name: string;
  /** True when the process faces clients itself (mono): private paths answer 404 there. */
  edge: boolean;
  services: PlannedService[];
  /**
   * The folders of the app's services this process does not host, each with its client
   * module: the only file of theirs its bundle may hold.
   */
  others: { name: string; root: string; clientFile: string }[];
}

/** The gateway in front of the process groups. */
export interface GatewayPlan {
  kind: 'gateway';
  name: 'gateway';
  routes: GatewayRoute[];
}

export type ProcessPlan = ServiceProcessPlan | GatewayPlan;
