/**
 * `@topo/runtime/gateway`: what a generated gateway entry imports.
 */
export { runGateway, type RunGatewayConfig } from './run-gateway';
export { createGateway, type Gateway, type GatewayConfig, type GatewayRoute } from './gateway';
