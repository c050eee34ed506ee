// What the typed client allows and refuses. Compiled by client-types.spec.ts: each expected
// error below is marked with a directive that fails the build when no error meets it.
import { client, type Endpoint } from '../../index';
import type * as endpoints from './greeting';
import { hello, ping } from './greeting';

const greeting = client<typeof endpoints>('greeting');

// Typed endpoints: request in, promise of the response out.
export const answer: Promise<{ message: string }> = greeting.hello({ name: 'ada' });
export const pong: Promise<{ pong: boolean }> = greeting.ping();
export const nothing: Promise<void> = greeting.forget({ id: '1' });

// @ts-expect-error a required field is missing
greeting.hello({});
// @ts-expect-error a field has the wrong type
greeting.hello({ name: 1 });
// @ts-expect-error the request is required
greeting.hello();
// @ts-expect-error raw endpoints are not callable through a client
greeting.webhook;
// @ts-expect-error constants are not endpoints
greeting.LIMIT;
// @ts-expect-error functions that are not endpoints are left out
greeting.helper;
// @ts-expect-error the client is read-only
greeting.hello = greeting.hello;

// An endpoint is also a plain function for code of its own service.
export const direct: Promise<{ message: string }> = hello({ name: 'ada' });
export const directPing: Promise<{ pong: boolean }> = ping();
export const typed: Endpoint<{ name: string }, { message: string }> = hello;
