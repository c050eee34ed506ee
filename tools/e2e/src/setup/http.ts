import * as http from 'node:http';
import { sleep } from './process-tree';

export interface HttpResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON; `undefined` when it is not JSON. */
  json: T | undefined;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs?: number;
}

/**
 * One HTTP request on a fresh connection (no keep-alive agent, so the suite never holds a
 * socket that would keep a server it stops alive). Only 127.0.0.1 is allowed: the tests
 * talk to nothing else.
 */
export function httpRequest<T = unknown>(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse<T>> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') {
    return Promise.reject(new Error(`The e2e tests only talk to 127.0.0.1, not ${target.hostname} (${url}).`));
  }
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: {
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        timeout: timeoutMs,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          let json: T | undefined;
          try {
            json = JSON.parse(text) as T;
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${options.method ?? 'GET'} ${url} took more than ${timeoutMs} ms.`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** GET a URL and parse its JSON body. */
export function getJson<T = unknown>(url: string, options: Omit<HttpRequestOptions, 'method' | 'body'> = {}): Promise<HttpResponse<T>> {
  return httpRequest<T>(url, { ...options, method: 'GET' });
}

export interface WaitForHttpOptions {
  timeoutMs: number;
  /** Which answer counts as ready. Default: any status below 500. */
  ready?: (response: HttpResponse) => boolean;
  /** Called between attempts; a string it returns aborts the wait with that reason. */
  abortReason?: () => string | undefined;
}

/** Polls a URL until it gives an answer that counts as ready. */
export async function waitForHttp(url: string, options: WaitForHttpOptions): Promise<HttpResponse> {
  const ready = options.ready ?? ((response) => response.status < 500);
  const deadline = Date.now() + options.timeoutMs;
  let last: string;
  for (;;) {
    const reason = options.abortReason?.();
    if (reason !== undefined) throw new Error(`Stopped waiting for ${url}: ${reason}`);
    try {
      const response = await httpRequest(url, { timeoutMs: 2_000 });
      if (ready(response)) return response;
      last = `HTTP ${response.status} ${response.text.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`${url} was not ready after ${options.timeoutMs} ms (last: ${last}).`);
    await sleep(250);
  }
}
