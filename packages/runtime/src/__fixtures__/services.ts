import express from 'express';
import { api } from '../api';
import { currentDeadline } from '../deadline';
import { APIError, ErrCode } from '../errors';
import type { HostedService } from '../host/plan';
import { Service } from '../service';
import type { JsonSchema } from '../validation';

/**
 * Services the host, client and gateway specs serve: one endpoint per behaviour under test.
 * Built by a function so every spec gets fresh endpoints.
 */

export interface Greeting {
  message: string;
}

export const schemas = {
  name: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  search: {
    type: 'object',
    properties: {
      q: { type: 'string' },
      limit: { type: 'integer' },
      exact: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['q'],
  },
  item: {
    type: 'object',
    properties: { id: { type: 'integer' }, count: { type: 'integer' }, note: { type: 'string' } },
    required: ['id', 'count'],
  },
  echo: {
    type: 'object',
    properties: { value: {}, at: { type: 'string' }, list: { type: 'array', items: { anyOf: [{ type: 'number' }, { type: 'null' }] } } },
  },
  age: { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] },
} satisfies Record<string, JsonSchema>;

export function helloEndpoints() {
  const seen: unknown[] = [];
  return {
    /** Requests as the handlers received them, for copy-semantics checks. */
    seen,
    hello: api({ expose: true, method: 'GET', path: '/hello/:name' }, async ({ name }: { name: string }): Promise<Greeting> => ({
      message: `Hello, ${name}!`,
    })),
    search: api(
      { expose: true, method: 'GET', path: '/search' },
      async (req: { q: string; limit?: number; exact?: boolean; tags?: string[] }) => ({ ...req }),
    ),
    updateItem: api({ expose: true, method: 'POST', path: '/items/:id' }, async (req: { id: number; count: number; note?: string }) => ({ ...req })),
    files: api({ expose: true, method: 'GET', path: '/files/*path' }, async ({ path }: { path: string }) => ({ path })),
    nothing: api({ expose: true, method: 'POST', path: '/nothing' }, async (): Promise<void> => undefined),
    ping: api({ expose: true, method: 'GET', path: '/ping' }, async () => ({ pong: true })),
    echo: api({ expose: true, method: 'POST', path: '/echo' }, async (req: { value?: unknown; at?: string; list?: number[] }) => {
      seen.push(req);
      return { ...req, received: true, when: new Date(0) };
    }),
    mutate: api({ expose: true, method: 'POST', path: '/mutate' }, async (req: { list: number[] }) => {
      seen.push(req);
      req.list.push(99);
      return req;
    }),
    small: api({ expose: true, method: 'POST', path: '/small', bodyLimit: 64 }, async (req: { text: string }) => ({ length: req.text.length })),
    age: api({ expose: true, method: ['GET', 'POST'], path: '/age' }, async ({ age }: { age: number }) => ({ age, type: typeof age })),
    fail: api({ expose: true, method: 'GET', path: '/fail' }, async (): Promise<never> => {
      throw new Error('database password is hunter2');
    }),
    failSync: api({ expose: true, method: 'GET', path: '/fail-sync' }, ((): Promise<never> => {
      throw new Error('synchronous secret');
    }) as () => Promise<never>),
    /** Answers synchronously: a handler typed as async may still return a plain value. */
    syncResult: api({ expose: true, method: 'POST', path: '/sync-result' }, ((req: { list: number[] }) => {
      seen.push(req);
      return { list: req.list, at: new Date(0), skip: undefined };
    }) as unknown as (req: { list: number[] }) => Promise<{ list: number[]; at: string }>),
    syncBigint: api({ expose: true, method: 'GET', path: '/sync-bigint' }, (() => ({ n: 10n })) as unknown as () => Promise<{ n: number }>),
    missing: api({ expose: true, method: 'GET', path: '/users/:id' }, async ({ id }: { id: string }): Promise<never> => {
      throw new APIError(ErrCode.NotFound, 'no such user', { id });
    }),
    conflict: api({ expose: true, method: 'PUT', path: '/users/:id' }, async (): Promise<never> => {
      throw new APIError(ErrCode.AlreadyExists, 'user exists');
    }),
    bigint: api({ expose: true, method: 'GET', path: '/bigint' }, async () => ({ n: 10n })),
    slow: api({ expose: true, method: 'GET', path: '/slow' }, async (req: { ms?: string }) => {
      await new Promise((resolve) => setTimeout(resolve, Number(req.ms ?? 300)));
      return { done: true };
    }),
    /** Never answers: its timeout answers for it. */
    hang: api({ expose: true, method: 'GET', path: '/hang', timeout: 200 }, (): Promise<never> => new Promise(() => undefined)),
    /** Never answers within the default timeout, unless the caller's deadline comes first. */
    hangLong: api({ expose: true, method: 'GET', path: '/hang-long', timeout: 20_000 }, (): Promise<never> => new Promise(() => undefined)),
    /** How many milliseconds of its deadline the handler has left. */
    timeLeft: api({ expose: true, method: 'GET', path: '/time-left' }, async () => ({ left: (currentDeadline() ?? NaN) - Date.now() })),
    secret: api({ method: 'GET', path: '/secret' }, async () => ({ secret: 'private data' })),
    whisper: api({ method: 'POST', path: '/whisper' }, async ({ words }: { words: string }) => ({ heard: words })),
    mixedPublic: api({ expose: true, method: 'GET', path: '/mixed' }, async () => ({ side: 'public' })),
    mixedPrivate: api({ method: 'POST', path: '/mixed' }, async () => ({ side: 'private' })),
  };
}

export function helloService(endpoints = helloEndpoints()): HostedService {
  const { seen: _seen, ...rest } = endpoints;
  const schemaOf: Partial<Record<keyof typeof rest, JsonSchema>> = {
    hello: schemas.name,
    search: schemas.search,
    updateItem: schemas.item,
    echo: schemas.echo,
    age: schemas.age,
  };
  return {
    service: new Service('hello'),
    endpoints: Object.entries(rest).map(([name, endpoint]) => ({ name, endpoint, schema: schemaOf[name as keyof typeof rest] })),
  };
}

/** A service with middleware and raw endpoints: everything that goes through express. */
export function expressService(): HostedService {
  const tagResponses: express.RequestHandler = (req, res, next) => {
    res.setHeader('x-middleware', 'ran');
    if (req.headers['x-deny'] !== undefined) {
      next(Object.assign(new Error('denied by middleware'), { status: 403, expose: true }));
      return;
    }
    next();
  };
  return {
    service: new Service('web', { middleware: [tagResponses, express.json({ limit: 100 })] }),
    endpoints: [
      {
        name: 'typedBehindMiddleware',
        endpoint: api({ expose: true, method: ['GET', 'POST'], path: '/web/typed/:id' }, async (req: { id: number; extra?: string }) => ({ ...req })),
        schema: { type: 'object', properties: { id: { type: 'integer' }, extra: { type: 'string' } }, required: ['id'] },
      },
      {
        name: 'rawGet',
        endpoint: api.raw({ expose: true, method: 'GET', path: '/web/raw/:id' }, (req, res) => {
          res.json({ id: req.params.id, q: req.query.q ?? null });
        }),
      },
      {
        name: 'rawAny',
        endpoint: api.raw({ expose: true, method: '*', path: '/web/any/*rest' }, (req, res) => {
          res.status(201).json({ method: req.method, rest: req.params.rest, body: req.body ?? null });
        }),
      },
      {
        name: 'rawInternalHeaders',
        endpoint: api.raw({ expose: true, method: 'GET', path: '/web/internal-headers' }, (req, res) => {
          res.json(Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('x-topo-'))));
        }),
      },
      {
        name: 'rawThrows',
        endpoint: api.raw({ expose: true, method: 'GET', path: '/web/throws' }, () => {
          throw new Error('raw secret failure');
        }),
      },
      {
        name: 'rawRejects',
        endpoint: api.raw({ expose: true, method: 'GET', path: '/web/rejects' }, async () => {
          throw new Error('async raw secret failure');
        }),
      },
      {
        name: 'rawApiError',
        endpoint: api.raw({ expose: true, method: 'GET', path: '/web/api-error' }, async () => {
          throw new APIError(ErrCode.PermissionDenied, 'not yours');
        }),
      },
      {
        name: 'rawHang',
        endpoint: api.raw({ expose: true, method: 'GET', path: '/web/hang', timeout: 200 }, () => undefined),
      },
      {
        name: 'rawPrivate',
        endpoint: api.raw({ method: 'GET', path: '/web/private' }, (_req, res) => {
          res.json({ private: true });
        }),
      },
    ],
  };
}

/** A second service without middleware: its requests must not meet the first one's. */
export function plainService(): HostedService {
  return {
    service: new Service('plain'),
    endpoints: [{ name: 'plain', endpoint: api({ expose: true, method: 'GET', path: '/plain' }, async () => ({ plain: true })) }],
  };
}
