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
    NX_ISOLATE_PLUGINS: 'false',
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

/**
 * What a spec passes to run an `nx` command exactly as a new user has it: with Nx's plugin
 * isolation, which {@link childEnv} turns off otherwise.
 *
 * Isolated, Nx starts a worker process for each plugin of the workspace (five in a fresh TS
 * preset workspace): about 4 s of CPU for `nx graph` and 11 s for `nx sync:check` on the
 * 2-core machines that run this, against 2 s each with the plugins in Nx's own process,
 * which compute the same projects and dependencies. So the setup's commands (`nx g
 * @topo/nx:init`, `nx g @topo/nx:service hello`, `nx graph`) and the first `nx serve`,
 * whose Ctrl-C must leave no worker behind, run isolated, proving that Topo's plugin works
 * in a worker; the other commands run with the plugins in process.
 *
 * @example
 * await runNx(root, ['graph', '--file=graph.json'], { env: childEnv(AS_A_NEW_USER) });
 */
export const AS_A_NEW_USER: Record<string, string | undefined> = { NX_ISOLATE_PLUGINS: undefined };

/** The environment of a child that must use the given registry for every package. */
export function registryEnv(registryUrl: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return childEnv({ npm_config_registry: registryUrl, ...extra });
}
