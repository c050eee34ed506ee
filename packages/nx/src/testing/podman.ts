import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Whether the podman command is installed. */
export function hasPodman(): boolean {
  return spawnSync('podman', ['--version'], { encoding: 'utf8' }).status === 0;
}

export interface PodmanSandbox {
  /** Runs podman in the sandbox; throws with its output when it fails. */
  podman(args: readonly string[]): string;
  /** Removes every container and image made in the sandbox, and the sandbox. */
  dispose(): void;
}

/**
 * Podman with a storage of its own in a temporary folder (host networking, cgroupfs, runc
 * and the ulimits that work in the machines' sandboxes), selected for this process and its
 * children through CONTAINERS_CONF and CONTAINERS_STORAGE_CONF. Disposing of it removes
 * everything the tests made and restores the environment.
 *
 * The storage uses the overlay driver where the kernel lets podman mount it (as root on the
 * machines that run this), else vfs, which works everywhere but copies the whole image for
 * each layer and each container: about 100 MB of node for every image built and every
 * container started (build.cli.spec.ts: 40 s of system CPU with vfs, 31 s with overlay).
 */
export function podmanSandbox(): PodmanSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'topo-podman-'));
  writeFileSync(
    join(dir, 'containers.conf'),
    [
      '[containers]',
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      'netns = "host"',
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      'runtime = "runc"',
      '',
    ].join('\n'),
  );
  const useDriver = (driver: 'overlay' | 'vfs') =>
    writeFileSync(
      join(dir, 'storage.conf'),
      ['[storage]', `driver = "${driver}"`, `graphroot = "${join(dir, `storage-${driver}`)}"`, `runroot = "${join(dir, 'run')}"`, ''].join('\n'),
    );
  const saved = { CONTAINERS_CONF: process.env.CONTAINERS_CONF, CONTAINERS_STORAGE_CONF: process.env.CONTAINERS_STORAGE_CONF };
  process.env.CONTAINERS_CONF = join(dir, 'containers.conf');
  process.env.CONTAINERS_STORAGE_CONF = join(dir, 'storage.conf');
  // Jest gives each test file a copy of process.env: children get it only when passed.
  const podman = (args: readonly string[]) => execFileSync('podman', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  useDriver('overlay');
  const driver = spawnSync('podman', ['info', '--format', '{{.Store.GraphDriverName}}'], { encoding: 'utf8', env: process.env });
  if (driver.status !== 0 || driver.stdout.trim() !== 'overlay') useDriver('vfs');
  return {
    podman(args) {
      try {
        return podman(args);
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`podman ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
      }
    },
    dispose() {
      for (const args of [['rm', '--all', '--force', '--time', '0'], ['rmi', '--all', '--force']]) spawnSync('podman', args, { stdio: 'ignore', env: process.env });
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds an image `FROM scratch` holding this machine's node binary and the libraries `ldd`
 * lists for it: a base image for the service images without pulling one.
 */
export function buildNodeBaseImage(sandbox: PodmanSandbox, tag: string): void {
  const context = mkdtempSync(join(tmpdir(), 'topo-node-base-'));
  try {
    const copy = (file: string, to = file) => {
      mkdirSync(join(context, dirname(to)), { recursive: true });
      copyFileSync(file, join(context, to));
    };
    copy(process.execPath, '/usr/local/bin/node');
    const libraries = execFileSync('ldd', [process.execPath], { encoding: 'utf8' }).match(/\/\S+/g) ?? [];
    for (const library of libraries) copy(library);
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY . /\nENV PATH=/usr/local/bin:/usr/bin:/bin\n');
    sandbox.podman(['build', '--quiet', '--format', 'docker', '-t', tag, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
