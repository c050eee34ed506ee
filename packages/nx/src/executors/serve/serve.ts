import type { ExecutorContext } from '@nx/devkit';
import type { ServeExecutorOptions } from './schema';
import { loadApp, readAppPort } from '../../app/load-app';
import { normalizeOptions } from './lib/normalize-options';
import { ServeSession } from './lib/serve-session';

/**
 * `nx serve <app> --topology=mono|micro|<name>` or `--env=<environment>`: runs the app's
 * services in the processes the topology gives, behind a gateway unless it is one process,
 * until Ctrl-C or SIGTERM.
 */
export default async function* serveExecutor(
  options: ServeExecutorOptions,
  context: ExecutorContext,
): AsyncGenerator<{ success: boolean; baseUrl?: string }> {
  let session: ServeSession;
  try {
    const project = context.projectsConfigurations?.projects[context.projectName ?? ''];
    const normalized = normalizeOptions(options, context, readAppPort(context.root, project?.root ?? ''));
    session = new ServeSession(normalized, () => loadApp(normalized));
  } catch (error) {
    throw withoutStack(error as Error);
  }

  const stopped = new Promise<void>((resolve) => {
    const stop = () => void session.stop().then(resolve, resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
  });
  process.once('exit', () => session.killNow());

  try {
    await session.start();
  } catch (error) {
    await session.stop();
    throw withoutStack(error as Error);
  }
  yield { success: true, baseUrl: session.baseUrl };
  await stopped;
}

/** A refusal is a message for the user, not a crash: Nx prints the stack of what it is thrown. */
function withoutStack(error: Error): Error {
  const refusal = new Error(error.message);
  refusal.stack = error.message;
  return refusal;
}
