import type { NextFunction, Request, Response } from 'express';
import { describeProblem, readServiceName } from './contract';

/**
 * An express-style middleware, run before the endpoints of its service on HTTP requests.
 *
 * @example
 * ```ts
 * const requestId: Middleware = (req, res, next) => {
 *   res.setHeader('x-request-id', crypto.randomUUID());
 *   next();
 * };
 * ```
 */
export type Middleware = (req: Request, res: Response, next: NextFunction) => unknown;

/**
 * Options of a service.
 *
 * @example
 * ```ts
 * export default new Service('web', { middleware: [cors(), express.json()] });
 * ```
 */
export interface ServiceOptions {
  /**
   * express middleware for every HTTP request to this service's endpoints (typed and raw).
   * Calls from other services, in-process or through `/__topo/call`, do not run it.
   */
  middleware?: Middleware[];
}

/**
 * A service: the default export of `service.ts`. Everything in its folder belongs to it.
 *
 * @example
 * ```ts
 * // hello/service.ts
 * import { Service } from '@topo/runtime';
 * export default new Service('hello');
 * ```
 */
export class Service {
  readonly name: string;
  readonly middleware: readonly Middleware[];

  constructor(name: string, options: ServiceOptions = {}) {
    assertServiceName(name);
    const middleware = options.middleware ?? [];
    middleware.forEach((entry, index) => {
      if (typeof entry !== 'function') {
        throw new Error(`service "${name}": middleware[${index}] is ${typeof entry}, not a function; pass express-style (req, res, next) functions`);
      }
    });
    this.name = name;
    this.middleware = Object.freeze([...middleware]);
  }
}

/** Service names are kebab-case: they become process names, URLs and container names. */
export function assertServiceName(name: unknown): asserts name is string {
  const read = readServiceName(name);
  if (!read.ok) throw new Error(describeProblem(read.problem));
}
