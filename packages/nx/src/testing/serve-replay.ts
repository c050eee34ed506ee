import { request as httpRequest } from 'node:http';
import { isAbsolute, join } from 'node:path';
import { loadApp } from '../app/load-app';
import type { NormalizedServeOptions } from '../executors/serve/lib/normalize-options';
import { ServeSession } from '../executors/serve/lib/serve-session';

/** One request a client sends the app: the body as sent on the wire (JSON or not). */
export interface ServeRequest {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** What the app answered: the status, and the body parsed as JSON (the text when it is not JSON). */
export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Sends one request to 127.0.0.1:`port` and reads the whole answer. A body is sent as
 * `application/json` unless the request's headers say otherwise.
 *
 * @example
 * await call(4300, { method: 'GET', path: '/users/1' }); // { status: 200, body: { id: 1, name: 'Ada' } }
 */
export function call(port: number, request: ServeRequest): Promise<Answer> {
  const headers = { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: request.method, path: request.path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseBody(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sends the requests one after the other, in order, and returns the answers in that order. */
export async function replay(port: number, requests: readonly ServeRequest[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const request of requests) answers.push(await call(port, request));
  return answers;
}

/** Which app of which workspace to serve, and on which port. */
export interface ServeTarget {
  workspaceRoot: string;
  /** The app's Nx project name. */
  appName: string;
  /** The app's folder, absolute or relative to the workspace root. */
  appRoot: string;
  port: number;
}

/** The options `nx serve <app>` would normalise to, for `topology` (or `extra.env`), without watching. */
export function serveOptions(
  target: ServeTarget,
  topology: string | undefined,
  extra: Partial<NormalizedServeOptions> = {},
): NormalizedServeOptions {
  return {
    workspaceRoot: target.workspaceRoot,
    appName: target.appName,
    appRoot: isAbsolute(target.appRoot) ? target.appRoot : join(target.workspaceRoot, target.appRoot),
    topology,
    port: target.port,
    host: '127.0.0.1',
    watch: false,
    ...extra,
  };
}

/**
 * Starts what `nx serve` starts, in this process: the app's processes (and the gateway),
 * bundled from the workspace as it is on disk now. Stop it with `session.stop()`.
 */
export async function startServe(options: NormalizedServeOptions): Promise<ServeSession> {
  const session = new ServeSession(options, () => loadApp(options));
  try {
    await session.start();
  } catch (error) {
    await session.stop();
    throw error;
  }
  return session;
}

/**
 * Serves the app in `topology`, sends it the requests and stops it: the answers a client
 * gets from that topology, to compare with another's.
 *
 * @example
 * expect(await answersIn(target, 'micro', requests)).toEqual(await answersIn(target, 'mono', requests));
 */
export async function answersIn(target: ServeTarget, topology: string, requests: readonly ServeRequest[]): Promise<Answer[]> {
  const session = await startServe(serveOptions(target, topology));
  try {
    return await replay(target.port, requests);
  } finally {
    await session.stop();
  }
}
