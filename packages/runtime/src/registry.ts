import type { Check } from './validation';
import type { Credentials } from './credential';
import type { Discovery } from './environment';

/**
 * The process-wide registry clients consult: which services this process hosts, and what an
 * outgoing call needs (discovery, the credential). Filled by `runProcess`; kept on
 * `globalThis` under a registered symbol so every copy of the runtime in the process shares
 * it.
 */

/** A typed endpoint as a client calls it in-process. */
export interface LocalEndpoint {
  readonly service: string;
  readonly name: string;
  /** The user's handler, called with the copied, validated request. */
  readonly handler: (req: unknown) => unknown;
  /** The same check an internal HTTP call runs, or null when the endpoint has no schema. */
  readonly check: Check | null;
  /** Milliseconds the handler has to answer, as over HTTP. */
  readonly timeout: number;
}

/** What an outgoing HTTP call needs from the process it runs in. */
export interface CallContext {
  /** Sent as `x-topo-caller`: the hosted service, or the process name when it hosts several. */
  readonly caller: string;
  readonly credentials: Credentials | undefined;
  readonly discovery: Discovery;
}

interface Registry {
  /** Bumped on every change, so clients can cache a lookup until the next one. */
  generation: number;
  readonly services: Map<string, ReadonlyMap<string, LocalEndpoint>>;
  context: CallContext | undefined;
}

const REGISTRY_KEY = Symbol.for('@topo/runtime.registry');

const registry: Registry = ((globalThis as { [REGISTRY_KEY]?: Registry })[REGISTRY_KEY] ??= {
  generation: 0,
  services: new Map(),
  context: undefined,
});

/**
 * Registers the services a process hosts and its call context. Returns the undo, which only
 * removes what this call added.
 */
export function registerServices(services: ReadonlyMap<string, ReadonlyMap<string, LocalEndpoint>>, context: CallContext): () => void {
  for (const name of services.keys()) {
    if (registry.services.has(name)) {
      throw new Error(`service "${name}" is already hosted in this process: each service runs once per process`);
    }
  }
  for (const [name, endpoints] of services) registry.services.set(name, endpoints);
  registry.context = context;
  registry.generation++;
  return function unregisterServices(): void {
    for (const [name, endpoints] of services) {
      if (registry.services.get(name) === endpoints) registry.services.delete(name);
    }
    if (registry.context === context) registry.context = undefined;
    registry.generation++;
  };
}

/** The current generation; a lookup made at this generation stays valid until it changes. */
export function registryGeneration(): number {
  return registry.generation;
}

/** The endpoints of a service hosted in this process, or undefined. */
export function localService(service: string): ReadonlyMap<string, LocalEndpoint> | undefined {
  return registry.services.get(service);
}

/** The call context `runProcess` registered, or undefined outside a Topo process. */
export function registeredCallContext(): CallContext | undefined {
  return registry.context;
}
