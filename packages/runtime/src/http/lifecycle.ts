import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { ConfigError } from '../environment';
import { logUnexpectedError } from '../errors';

/**
 * Starting and stopping a server the same way in a process and in the gateway: listen with a
 * clear message when the port is taken; drain on close (stop accepting, close idle keep-alive
 * connections, let requests in flight finish); exit cleanly on SIGTERM and SIGINT.
 */

/** A server that is being drained answers with `connection: close`. */
export interface Drainable {
  readonly server: Server;
  draining: boolean;
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise<AddressInfo>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.removeListener('listening', onListening);
      reject(listenError(error, port, host));
    };
    const onListening = (): void => {
      server.removeListener('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code === 'EADDRINUSE') return new ConfigError(`port ${port} on ${host} is already in use: stop what is using it or set PORT to a free port`);
  if (error.code === 'EACCES') return new ConfigError(`no permission to listen on port ${port}: use a port above 1023 or run with the needed privileges`);
  if (error.code === 'EADDRNOTAVAIL') return new ConfigError(`cannot listen on ${host}: the address is not on this machine; set HOST to a local address such as 0.0.0.0`);
  return error;
}

/** How often idle keep-alive connections are closed while draining. */
const IDLE_SWEEP_MS = 25;

/**
 * How long a keep-alive connection may stay open, idle, once draining starts. A client may
 * be sending its next request on it at this very moment; closing it would reset that
 * request. Within the grace, such a request is answered, with `connection: close`, and the
 * connection ends after it; a connection idle for longer is closed.
 */
const IDLE_GRACE_MS = 500;

/**
 * Stops accepting connections and resolves once every request in flight has been answered
 * (true), or after `timeoutMs` with whatever remains cut off (false). Requests that arrive
 * meanwhile on open keep-alive connections are answered too, with `connection: close`, so
 * that a rolling restart resets no request.
 */
export function drain(target: Drainable, timeoutMs: number): Promise<boolean> {
  const { server } = target;
  target.draining = true;
  if (!server.listening) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    let sweep: NodeJS.Timeout | undefined;
    // Idle connections are left alone for the grace, then closed as they turn idle.
    const grace = setTimeout(() => {
      server.closeIdleConnections();
      sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    }, Math.min(IDLE_GRACE_MS, timeoutMs));
    const deadline = setTimeout(() => {
      clearTimeout(grace);
      clearInterval(sweep);
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    // net.Server's close: stop accepting, and call back once every connection has ended.
    // (http.Server's own close would also close the idle keep-alive connections at once.)
    net.Server.prototype.close.call(server, () => {
      clearTimeout(grace);
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(true);
    });
  });
}

/**
 * Exits the process after draining on the first SIGTERM or SIGINT, or when the `nx serve`
 * that supervises it goes away; a second signal while draining changes nothing (the
 * deadline still holds), so `nx serve` sending both is safe.
 */
export function exitOnSignals(name: string, stop: () => Promise<boolean>, timeoutMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals | 'the end of its supervisor'): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`topo: ${name} received ${signal}, finishing requests in flight\n`);
    stop().then(
      (clean) => {
        if (!clean) process.stderr.write(`topo: ${name}: requests still running after ${timeoutMs} ms (TOPO_SHUTDOWN_TIMEOUT_MS) were cut off\n`);
        process.exit(clean ? 0 : 1);
      },
      (error: unknown) => {
        process.stderr.write(`topo: ${name}: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // A process `nx serve` supervises (TOPO_SUPERVISED=1, with an IPC channel to it) stops when
  // the channel closes: when its supervisor is gone, killed with -9 as well, so that no process
  // of the app lives on as an orphan holding its port.
  if (process.env.TOPO_SUPERVISED === '1' && process.channel) {
    process.once('disconnect', () => onSignal('the end of its supervisor'));
    // The channel must not keep the process alive by itself.
    process.channel.unref();
  }
}

/**
 * Logs a promise rejection nobody handled (a handler that started work without awaiting it,
 * say) instead of letting Node end the process: one careless request must not take down
 * the others.
 */
export function logUnhandledRejections(name: string): void {
  process.on('unhandledRejection', (reason) => logUnexpectedError(`${name}: a promise nobody awaited`, reason));
}

/**
 * Runs the start-up of an entry module: a `ConfigError` (or any failure) is printed as one
 * line naming the problem, and the process exits 1 instead of throwing a stack at the user.
 */
export async function startOrExit<T>(name: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    // Start-up errors are written for the user (a port in use, a bad TOPO_DISCOVERY, two
    // routes for one path): the message is the useful part, a stack would bury it.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`topo: ${name} cannot start: ${message}\n`);
    process.exit(1);
  }
}
