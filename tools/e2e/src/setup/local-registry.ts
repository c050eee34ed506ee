import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childEnv } from './child-env';
import { findFreePort } from './free-port';
import { waitForHttp } from './http';
import { repoRoot } from './paths';
import { killProcessTree, processTree, waitUntilGone } from './process-tree';
import { runCommandOrThrow } from './run-command';
import { makeTempDir, removeTempDir } from './temp-dir';

export interface LocalRegistry {
  /** e.g. `http://127.0.0.1:41234/` */
  url: string;
  /** Stops verdaccio and removes its storage. */
  stop(): Promise<void>;
}

/**
 * Starts verdaccio on 127.0.0.1 with a fresh storage dir: `@topo/*` is published there by
 * anyone, every other package is proxied to the registry npm is configured with.
 */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  const uplink = await npmRegistryOfTheUser();
  // The port must be chosen before verdaccio starts (it does not report a port it was given
  // as 0), so another program may take it in between: try again with another one.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startVerdaccio(uplink, await findFreePort());
    } catch (error) {
      lastError = error as Error;
    }
  }
  throw lastError;
}

async function npmRegistryOfTheUser(): Promise<string> {
  const { stdout } = await runCommandOrThrow('npm', ['config', 'get', 'registry'], { cwd: repoRoot });
  const url = stdout.trim();
  if (!/^https?:\/\//.test(url)) throw new Error(`\`npm config get registry\` gave "${url}", not a URL.`);
  return url;
}

async function startVerdaccio(uplink: string, port: number): Promise<LocalRegistry> {
  const dir = makeTempDir('registry');
  const configFile = path.join(dir, 'config.yaml');
  fs.writeFileSync(configFile, verdaccioConfig(path.join(dir, 'storage'), uplink));
  const url = `http://127.0.0.1:${port}/`;

  const child = spawn(process.execPath, [verdaccioBin(), '--config', configFile, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    env: childEnv(),
    // Not detached: Ctrl-C on Jest stops the registry as well.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `verdaccio exited (${signal ?? code}):\n${output}`));

  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && exited === undefined) {
      const tree = processTree(child.pid);
      child.kill('SIGTERM');
      const remaining = await waitUntilGone(tree, 5_000);
      if (remaining.length > 0) {
        await killProcessTree(child.pid);
        // SIGKILL is sent, not done: the port is free only once the processes are gone.
        await waitUntilGone(remaining, 5_000);
      }
    }
    removeTempDir(dir);
  };

  try {
    await waitForHttp(`${url}-/ping`, {
      timeoutMs: 30_000,
      ready: (response) => response.status === 200,
      abortReason: () => exited,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

function verdaccioBin(): string {
  const packageJson = require.resolve('verdaccio/package.json', { paths: [repoRoot] });
  return path.join(path.dirname(packageJson), 'bin', 'verdaccio');
}

/** verdaccio's config; JSON is valid YAML, so no YAML writer is needed. */
function verdaccioConfig(storage: string, uplink: string): string {
  const anyone = { access: '$all', publish: '$all', unpublish: '$all' };
  return JSON.stringify(
    {
      storage,
      auth: { htpasswd: { file: path.join(storage, '..', 'htpasswd'), max_users: -1 } },
      uplinks: { npmjs: { url: uplink, timeout: '60s', maxage: '30m' } },
      packages: {
        // Published by the suite only, never looked up upstream.
        '@topo/*': anyone,
        '@*/*': { ...anyone, proxy: 'npmjs' },
        '**': { ...anyone, proxy: 'npmjs' },
      },
      publish: { allow_offline: true },
      web: { enable: false },
      middlewares: { audit: { enabled: false } },
      server: { keepAliveTimeout: 60 },
      max_body_size: '200mb',
      log: { type: 'stdout', format: 'pretty', level: 'warn' },
    },
    null,
    2,
  );
}
