/**
 * A process's environment, read once at start: what the entry module passes wins, the
 * environment fills the rest. Problems are `ConfigError`s whose message names the variable
 * and the fix; `runProcess` and `runGateway` print them and exit.
 */

/** Service discovery: service name → base URL such as `http://127.0.0.1:4101`. */
export type Discovery = Readonly<Record<string, string>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_HOST = '0.0.0.0';
/** The port of a process facing clients (mono, the gateway) when neither config nor PORT say. */
export const DEFAULT_EDGE_PORT = 4000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

const DISCOVERY_EXAMPLE = '{"yo":"http://127.0.0.1:4101"}';

type Env = Readonly<Record<string, string | undefined>>;

/** The port from config, else PORT, else the default; refuses anything but 0..65535. */
export function resolvePort(configured: number | undefined, env: Env, fallback: number): number {
  if (configured !== undefined) return checkPort(configured, 'the port in the config');
  const raw = env.PORT;
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`PORT is ${JSON.stringify(raw)}, not a port number: set PORT to a whole number from 0 to 65535`);
  return checkPort(Number(raw), 'PORT');
}

function checkPort(port: number, source: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${source} is ${port}, not a port number: use a whole number from 0 to 65535 (0 lets the system pick)`);
  }
  return port;
}

export function resolveHost(configured: string | undefined, env: Env): string {
  return configured ?? (env.HOST?.trim() || DEFAULT_HOST);
}

/**
 * Where the service catalog is served from, for the process that faces clients to pass
 * `/__topo/catalog` on to: config, else TOPO_CATALOG_URL (`nx serve` sets it); undefined:
 * not served.
 */
export function resolveCatalogUrl(configured: string | undefined, env: Env): string | undefined {
  const url = configured ?? env.TOPO_CATALOG_URL;
  if (url === undefined || url === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`TOPO_CATALOG_URL is ${JSON.stringify(url)}: set it to the http URL the catalog is served at, e.g. http://127.0.0.1:4999, or unset it`);
  }
  if (parsed.protocol !== 'http:') throw new ConfigError(`TOPO_CATALOG_URL must be an http URL, not ${JSON.stringify(url)}`);
  return url;
}

/**
 * A catalog folder written by `nx run <app>:catalog`, for a built app to serve at
 * `/__topo/catalog` when its operator asks for it: config, else TOPO_CATALOG_DIR.
 */
export function resolveCatalogDir(configured: string | undefined, env: Env): string | undefined {
  const dir = configured ?? env.TOPO_CATALOG_DIR;
  return dir === undefined || dir === '' ? undefined : dir;
}

/** The app secret, or undefined when neither config nor TOPO_SECRET give one. */
export function resolveSecret(configured: string | undefined, env: Env): string | undefined {
  const secret = configured ?? env.TOPO_SECRET;
  return secret === undefined || secret === '' ? undefined : secret;
}

/** Discovery from config, else TOPO_DISCOVERY, else empty. */
export function resolveDiscovery(configured: Record<string, string> | undefined, env: Env): Discovery {
  if (configured !== undefined) return checkDiscovery(configured, 'the discovery in the config');
  const raw = env.TOPO_DISCOVERY;
  if (raw === undefined || raw.trim() === '') return {};
  return parseDiscovery(raw);
}

/** Parses TOPO_DISCOVERY; a malformed value is a `ConfigError` that shows the expected form. */
export function parseDiscovery(raw: string): Discovery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(
      `TOPO_DISCOVERY is not valid JSON (${(error as Error).message}): set it to a JSON object from service name to base URL, e.g. ${DISCOVERY_EXAMPLE}`,
    );
  }
  return checkDiscovery(parsed, 'TOPO_DISCOVERY');
}

function checkDiscovery(value: unknown, source: string): Discovery {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${source} must be a JSON object from service name to base URL, e.g. ${DISCOVERY_EXAMPLE}`);
  }
  const discovery: Record<string, string> = {};
  for (const [service, url] of Object.entries(value)) {
    discovery[service] = checkBaseUrl(service, url, source);
  }
  return Object.freeze(discovery);
}

function checkBaseUrl(service: string, url: unknown, source: string): string {
  const problem = `${source} gives service "${service}" the address ${JSON.stringify(url)}`;
  if (typeof url !== 'string') throw new ConfigError(`${problem}: it must be a base URL string such as "http://127.0.0.1:4101"`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${problem}, which is not a URL: use a base URL such as "http://127.0.0.1:4101"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${problem}: only http:// and https:// base URLs are supported`);
  }
  // Without the trailing slash, `${base}${path}` joins cleanly.
  return url.replace(/\/+$/, '');
}

export function resolveShutdownTimeout(env: Env): number {
  const raw = env.TOPO_SHUTDOWN_TIMEOUT_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const timeout = Number(raw);
  if (!Number.isInteger(timeout) || timeout < 0) {
    throw new ConfigError(`TOPO_SHUTDOWN_TIMEOUT_MS is ${JSON.stringify(raw)}: set it to a whole number of milliseconds`);
  }
  return timeout;
}

/** How long the gateway waits for a service's answer by default: then 504 `deadline_exceeded`. */
export const DEFAULT_GATEWAY_TIMEOUT_MS = 30_000;

/** TOPO_GATEWAY_TIMEOUT_MS: how long the gateway waits for a service to start answering. */
export function resolveGatewayTimeout(env: Env): number {
  const raw = env.TOPO_GATEWAY_TIMEOUT_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_GATEWAY_TIMEOUT_MS;
  const timeout = Number(raw);
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new ConfigError(`TOPO_GATEWAY_TIMEOUT_MS is ${JSON.stringify(raw)}: set it to a whole number of milliseconds above 0`);
  }
  return timeout;
}

/** How long the gateway waits, at start, for every process to answer its health before it listens anyway. */
export const DEFAULT_GATEWAY_STARTUP_TIMEOUT_MS = 15_000;

/** TOPO_GATEWAY_STARTUP_TIMEOUT_MS, else the default; 0 listens at once. */
export function resolveGatewayStartupTimeout(env: Env): number {
  const raw = env.TOPO_GATEWAY_STARTUP_TIMEOUT_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_GATEWAY_STARTUP_TIMEOUT_MS;
  const timeout = Number(raw);
  if (!Number.isInteger(timeout) || timeout < 0) {
    throw new ConfigError(`TOPO_GATEWAY_STARTUP_TIMEOUT_MS is ${JSON.stringify(raw)}: set it to a whole number of milliseconds (0 to listen without waiting)`);
  }
  return timeout;
}

/** `http://host:port` for a listening address, brackets around IPv6. */
export function formatAddress(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
