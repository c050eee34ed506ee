/**
 * The environment for every process the suite starts.
 *
 * It drops what would make a child act on the Topo repository instead of the test workspace:
 * the `npm_*` variables npm sets when it runs a script (`npm_config_local_prefix`, the
 * registry, ...), Nx's task variables (`NX_WORKSPACE_ROOT`, ...) and Jest's `NODE_ENV=test`.
 * The registry is then given explicitly, for the children only: the user's npm config is
 * never touched.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (isInheritedFromTheRunner(name)) continue;
    env[name] = value;
  }
  Object.assign(env, {
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
  });
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

function isInheritedFromTheRunner(name: string): boolean {
  return (
    name.startsWith('npm_') ||
    name === 'NPM_CONFIG_REGISTRY' ||
    name.startsWith('NX_') ||
    name.startsWith('JEST_') ||
    name === 'NODE_ENV' ||
    name === 'INIT_CWD'
  );
}

/** The environment of a child that must use the given registry for every package. */
export function registryEnv(registryUrl: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return childEnv({ npm_config_registry: registryUrl, ...extra });
}
