// A service's endpoint module, as users write it; client.ts imports it type-only.
import express from 'express';
import { api } from '../../index';

export interface Greeting {
  message: string;
}

export const hello = api(
  { expose: true, method: 'GET', path: '/hello/:name' },
  async ({ name }: { name: string }): Promise<Greeting> => ({ message: `Hello, ${name}!` }),
);

export const ping = api({ path: '/ping' }, async () => ({ pong: true }));

export const forget = api({ method: 'DELETE', path: '/users/:id' }, async (_req: { id: string }): Promise<void> => {});

export const webhook = api.raw({ expose: true, method: 'POST', path: '/hook' }, (req: express.Request, res: express.Response) => {
  res.status(204).end();
});

export const LIMIT = 10;

export function helper(value: number): number {
  return value * 2;
}
