/**
 * `@topo/nx`: Nx loads this module as the plugin named "@topo/nx" in nx.json. It infers a
 * project per service and per app, and the edges between them.
 */
export { createDependencies, createNodes, createNodesV2, type TopoPluginOptions } from './plugins/plugin';
