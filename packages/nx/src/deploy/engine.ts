import { spawn } from 'node:child_process';

export type EngineChoice = 'auto' | 'podman' | 'docker';
export type Engine = 'podman' | 'docker';

export const ENGINES: readonly EngineChoice[] = ['auto', 'podman', 'docker'];

/**
 * The shell command whose output names the engines on the PATH: the `container` targets'
 * runtime cache input, so that a result made with one engine (or with none) is not replayed
 * once another is installed or taken off the PATH. Cheap: no engine is started.
 */
export const ENGINE_IDENTITY_COMMAND = 'command -v podman docker || true';

/** What a command printed and how it ended. */
interface Run {
  code: number | null;
  output: string;
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      // The environment as it is now (PATH included), which is not always the one the process started with.
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    } catch (error) {
      resolve({ code: null, output: String(error) });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on the PATH' : error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const lastLine = (run: Run) => run.output.trim().split('\n').slice(-1)[0] || `exit ${run.code}`;

/**
 * Whether `engine` can build, asked cheaply: podman needs no daemon, so `podman --version`
 * answering is enough; a docker client answers `docker version` with a server version only
 * when its daemon does.
 */
async function probe(engine: Engine): Promise<Run> {
  return engine === 'podman' ? run('podman', ['--version'], 15_000) : run('docker', ['version', '--format', '{{.Server.Version}}'], 15_000);
}

/**
 * The container engine to build with. `auto` takes the first of podman and docker that can
 * build; a named one must. When none can, the error says what was looked for, what each
 * answered and how to get one.
 *
 * @example
 * const engine = await findEngine('auto'); // 'podman'
 */
export async function findEngine(choice: EngineChoice): Promise<Engine> {
  const candidates: Engine[] = choice === 'auto' ? ['podman', 'docker'] : [choice];
  const failures: string[] = [];
  for (const engine of candidates) {
    const answered = await probe(engine);
    if (answered.code === 0) return engine;
    failures.push(`${engine}: ${lastLine(answered)}`);
  }
  const looked = choice === 'auto' ? '--engine=auto looked for podman, then docker' : `--engine=${choice} was asked for`;
  throw new Error(
    `No container engine can build images here: ${looked} on the PATH (${failures.join('; ')}). ` +
      'Install podman (e.g. `apt-get install podman`) or Docker and start its daemon, or put the engine\'s folder on the PATH; ' +
      '`--engine=podman|docker` picks one. The bundles and Dockerfiles that `nx build` writes need no engine.',
  );
}

/**
 * Makes sure the engine has `baseImage`, pulling it when it does not. A base image that
 * cannot be found or pulled is an error naming it and `--baseImage`.
 */
export async function ensureBaseImage(engine: Engine, baseImage: string, contexts: readonly string[]): Promise<void> {
  if ((await run(engine, ['image', 'inspect', '--format', '{{.Id}}', baseImage], 60_000)).code === 0) return;
  const pulled = await run(engine, ['pull', baseImage], 600_000);
  if (pulled.code === 0) return;
  throw new Error(
    `${engine} cannot find or pull the base image ${baseImage} (${lastLine(pulled)}). ` +
      `Pass --baseImage=<an image with node on the PATH that ${engine} has or can pull> (docs/build-and-deploy.md shows how to make one from this machine's node). ` +
      `The build contexts are written: ${contexts.join(', ')}.`,
  );
}

/** Builds `context` (holding its Dockerfile) into image `tag`; returns the image id. */
export async function buildImage(engine: Engine, context: string, tag: string, baseImage: string): Promise<string> {
  // Podman writes OCI images by default, which drop HEALTHCHECK: ask for Docker's format.
  const format = engine === 'podman' ? ['--format', 'docker'] : [];
  const built = await run(engine, ['build', ...format, '--build-arg', `BASE_IMAGE=${baseImage}`, '-t', tag, context], 600_000);
  if (built.code !== 0) throw new Error(`${engine} build of ${tag} failed (${context}):\n${built.output.trim()}`);
  const inspected = await run(engine, ['image', 'inspect', '--format', '{{.Id}}', tag], 60_000);
  if (inspected.code !== 0) throw new Error(`${engine} built ${tag} but cannot inspect it:\n${inspected.output.trim()}`);
  return inspected.output.trim();
}
