import { logger, type ExecutorContext } from '@nx/devkit';
import type { ServeExecutorOptions } from './schema';
import { loadApp, readAppPort } from './lib/load-app';
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
    logger.error((error as Error).message);
    yield { success: false };
    return;
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
    logger.error((error as Error).message);
    await session.stop();
    yield { success: false };
    return;
  }
  yield { success: true, baseUrl: session.baseUrl };
  await stopped;
}
