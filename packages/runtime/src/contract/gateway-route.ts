/**
 * One public route of the gateway's table; method `*` for any. The build and serve
 * executors list them from the static analysis; the gateway routes by them.
 *
 * @example
 * ```ts
 * const route: GatewayRoute = { method: 'GET', path: '/hello/:name', service: 'hello' };
 * ```
 */
export interface GatewayRoute {
  method: string;
  path: string;
  service: string;
  /**
   * The endpoint's largest request body in bytes, when known: the gateway answers 413 itself
   * for a larger one, declared or streamed, as the service would.
   */
  bodyLimit?: number;
}
