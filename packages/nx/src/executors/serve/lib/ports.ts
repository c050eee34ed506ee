import { createServer, Socket } from 'node:net';

/** Ports the OS hands out now; they are free until something else takes them. */
export async function findFreePorts(count: number, host: string): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, host, () => resolve(server));
      }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Rejects with a message saying what to do when the app's port is taken. */
export async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} is already in use. Stop what listens there, or pass --port=<another> (or change "port" in topo.json).`
            : `Cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/**
 * Resolves once something accepts TCP connections on host:port (or once `done` is aborted:
 * the process said it listens), or rejects after timeoutMs.
 */
export async function waitForPort(port: number, host: string, timeoutMs: number, done?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done?.aborted || (await canConnect(port, host))) return;
    if (Date.now() > deadline) throw new Error(`Nothing listens on ${host}:${port} after ${timeoutMs} ms.`);
    await pause(50, done);
  }
}

/** Waits `ms`, or less when `done` is aborted meanwhile. */
function pause(ms: number, done?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      done?.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    done?.addEventListener('abort', finish);
  });
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
}
