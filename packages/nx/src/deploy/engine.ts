import { spawn } from 'node:child_process';

export type EngineChoice = 'auto' | 'podman' | 'docker' | 'none';
export type Engine = 'podman' | 'docker';

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
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: null, output: String(error) });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * The container engine to build with. `auto` takes the first of podman and docker that is on
 * the PATH and able to build (`<engine> info` answers: a docker client without a daemon does
 * not); `none` builds no image. A named engine that cannot build is an error saying why.
 */
export async function findEngine(choice: EngineChoice): Promise<Engine | undefined> {
  if (choice === 'none') return undefined;
  const candidates: Engine[] = choice === 'auto' ? ['podman', 'docker'] : [choice];
  const failures: string[] = [];
  for (const engine of candidates) {
    const info = await run(engine, ['info'], 30_000);
    if (info.code === 0) return engine;
    failures.push(`${engine}: ${info.output.trim().split('\n').slice(-1)[0] || `exit ${info.code}`}`);
  }
  if (choice === 'auto') return undefined;
  throw new Error(`--engine=${choice} cannot build images here (${failures.join('; ')}). Start its service, pass another --engine, or --engine=none to keep the build contexts.`);
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

/** What the build says when it builds no image: why, and the command for each build context. */
export function noEngineMessage(choice: EngineChoice, contexts: readonly { context: string; tag: string }[], baseImage: string): string {
  const why = choice === 'none' ? 'was asked for (--engine=none)' : 'that can build was found (podman or docker)';
  const what = contexts.length === 1 ? 'the build context is in place. Build the image with' : 'the build contexts are in place. Build the images with';
  const commands = contexts.map(({ context, tag }) => `  docker build --build-arg BASE_IMAGE=${baseImage} -t ${tag} ${context}`);
  return `No container engine ${why}: ${what}:\n${commands.join('\n')}`;
}
