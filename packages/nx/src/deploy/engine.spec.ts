import { spawnSync } from 'node:child_process';
import { pathWithout } from '../testing/hidden-command';
import { hasPodman, type PodmanSandbox, podmanSandbox } from '../testing/podman';
import { ENGINE_IDENTITY_COMMAND, ensureBaseImage, findEngine } from './engine';

/**
 * Finding the engine and the base image: what the container targets say when they cannot
 * build, with podman taken off the PATH (and docker, where it is installed, without a daemon).
 */

const podman = hasPodman();
const withPodman = podman ? it : it.skip;
const dockerDaemon = spawnSync('docker', ['version', '--format', '{{.Server.Version}}']).status === 0;

describe('findEngine', () => {
  const saved = process.env.PATH;
  afterEach(() => {
    process.env.PATH = saved;
  });

  (dockerDaemon ? it.skip : it)('with no engine that can build, says what it looked for and how to get one', async () => {
    const hidden = pathWithout('podman');
    try {
      process.env.PATH = hidden.path;
      const error = await findEngine('auto').then(() => undefined, (e: Error) => e);
      expect(error?.message).toMatch(/^No container engine can build images here: --engine=auto looked for podman, then docker on the PATH \(podman: not found on the PATH; docker: .+\)\./);
      expect(error?.message).toContain('Install podman');
      expect(error?.message).toContain('--engine=podman|docker');
      await expect(findEngine('podman')).rejects.toThrow('--engine=podman was asked for on the PATH (podman: not found on the PATH)');
    } finally {
      hidden.dispose();
    }
  });

  withPodman('takes podman when it is on the PATH', async () => {
    expect(await findEngine('auto')).toBe('podman');
  });

  it('has an identity command that names the engines on the PATH and changes when podman leaves it', () => {
    const identity = (path: string) => spawnSync('/bin/sh', ['-c', ENGINE_IDENTITY_COMMAND], { encoding: 'utf8', env: { ...process.env, PATH: path } });
    const hidden = pathWithout('podman');
    try {
      const without = identity(hidden.path);
      expect(without.status).toBe(0);
      expect(without.stdout).not.toMatch(/\/podman$/m);
      if (podman) expect(identity(process.env.PATH!).stdout).toMatch(/\/podman$/m);
    } finally {
      hidden.dispose();
    }
  });
});

describe('ensureBaseImage', () => {
  let sandbox: PodmanSandbox | undefined;
  beforeAll(() => {
    if (podman) sandbox = podmanSandbox();
  });
  afterAll(() => sandbox?.dispose());

  withPodman('names the base image and --baseImage when the engine can neither find nor pull it', async () => {
    const error = await ensureBaseImage('podman', 'localhost:1/topo-no-such-base:1', ['dist/shop/services/users']).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/^podman cannot find or pull the base image localhost:1\/topo-no-such-base:1 \(.+\)\. Pass --baseImage=/);
    expect(error?.message).toContain('The build contexts are written: dist/shop/services/users.');
  }, 60_000);
});
