import { graphlib, layout } from '@dagrejs/dagre';
import type { Catalog } from '../model';
import { databaseNode, edgeLabel, serviceNode, type ServiceGraph } from './view-model';

/**
 * The diagram's layout, by dagre: where each service (and database) box goes and the path
 * of each edge. No DOM: text widths come from a table of character widths, so the same
 * catalog lays out the same in node and in the browser. render-page.ts lays the whole
 * diagram out once when it renders the page (a 200-service layout costs the browser about
 * as much as everything else on the page together), and the page lays out what it has no
 * layout for: an isolated service with its neighbours, a catalog that changed while it was
 * open.
 */

export interface LaidNode {
  id: string;
  kind: 'service' | 'database';
  name: string;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The second line: "3 endpoints", "database". */
  meta: string;
}

export interface LaidEdge {
  key: string;
  kind: 'call' | 'database';
  points: { x: number; y: number }[];
  label?: { text: string; x: number; y: number; width: number };
}

export interface DiagramLayout {
  /** What it was laid out from: see {@link layoutKey}. */
  key: string;
  width: number;
  height: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
}

export const NODE_HEIGHT = 42;
export const DATABASE_HEIGHT = 50;
export const LABEL_HEIGHT = 14;
/** Past this many nodes dagre's network-simplex ranking costs more than it gives; tight-tree is close and several times faster. */
const LARGE_GRAPH = 80;

/**
 * Character widths, in hundredths of an em, of the diagram's two fonts as DejaVu Sans
 * (Linux's default, and among the widest sans-serifs) draws them: printable ASCII from the
 * space on. Boxes sized from them are wide enough for their text in any system font.
 */
// prettier-ignore
const NAME_WIDTHS = [35,46,53,84,70,101,88,31,46,46,53,84,38,42,38,37,70,70,70,70,70,70,70,70,70,70,40,40,84,84,84,58,100,78,77,74,83,69,69,83,84,38,38,78,64,100,84,85,74,85,77,72,69,82,78,111,78,73,73,46,37,46,84,50,50,68,72,60,72,68,44,72,72,35,35,67,35,105,72,69,72,72,50,60,48,72,66,93,65,66,59,72,37,72,84];
// prettier-ignore
const META_WIDTHS = [32,41,46,84,64,95,78,28,39,39,50,84,32,37,32,34,64,64,64,64,64,64,64,64,64,64,34,34,84,84,84,54,100,69,69,70,77,64,58,78,76,30,30,66,56,87,75,79,61,79,70,64,62,74,69,99,69,62,69,39,34,39,84,50,50,62,64,56,64,62,36,64,64,28,28,58,28,98,64,62,64,64,42,53,40,64,60,82,60,60,53,64,34,64,84];
/** Anything past ASCII: about the width of a capital. */
const OTHER_WIDTH = 80;

/** The width in pixels of `text` in the node name font (600 13px) or the small font (11px). */
export function textWidth(text: string, font: 'name' | 'meta'): number {
  const [widths, size] = font === 'name' ? [NAME_WIDTHS, 13] : [META_WIDTHS, 11];
  let hundredths = 0;
  for (const char of text) hundredths += widths[char.charCodeAt(0) - 32] ?? OTHER_WIDTH;
  return Math.ceil((hundredths * size) / 100);
}

export function endpointCount(count: number): string {
  return `${count} endpoint${count === 1 ? '' : 's'}`;
}

/**
 * What a layout depends on: the nodes, their second lines, the edges with their labels, and
 * the isolated service. A short hash, so that layouts can be kept by it.
 */
export function layoutKey(catalog: Catalog, graph: ServiceGraph, isolated: string | undefined): string {
  const text = JSON.stringify([
    isolated ?? '',
    catalog.services.map((service) => [service.name, service.endpoints.length]),
    graph.databases,
    graph.edges.map((edge) => [edge.key, edge.endpoints]),
    graph.databaseEdges.map((edge) => [edge.key, edge.owner]),
  ]);
  // FNV-1a, twice with different seeds: 64 bits are plenty for a handful of layouts.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return `${(a >>> 0).toString(36)}${(b >>> 0).toString(36)}:${text.length}`;
}

/**
 * Lays the diagram out: every service and database, or, with `isolated`, that service, its
 * neighbours and the edges that touch it.
 *
 * @example
 * const laid = layoutDiagram(catalog, serviceGraph(catalog));
 * laid.nodes.map((node) => node.name); // ['greeter', 'orders', 'users']
 */
export function layoutDiagram(catalog: Catalog, graph: ServiceGraph, isolated?: string): DiagramLayout {
  const key = layoutKey(catalog, graph, isolated);
  const centre = isolated ? serviceNode(isolated) : undefined;
  const shown = new Set<string>(centre ? [centre, ...(graph.neighbours.get(centre) ?? [])] : []);
  const keepNode = (id: string) => !centre || shown.has(id);
  const keepEdge = (from: string, to: string) => !centre || from === centre || to === centre;

  const endpointsOf = new Map(catalog.services.map((service) => [service.name, service.endpoints.length]));
  const nodes: LaidNode[] = [
    ...graph.services.map((name): LaidNode => ({ id: serviceNode(name), kind: 'service', name, x: 0, y: 0, width: 0, height: NODE_HEIGHT, meta: endpointCount(endpointsOf.get(name) ?? 0) })),
    ...graph.databases.map((name): LaidNode => ({ id: databaseNode(name), kind: 'database', name, x: 0, y: 0, width: 0, height: DATABASE_HEIGHT, meta: 'database' })),
  ].filter((node) => keepNode(node.id));
  for (const node of nodes) node.width = Math.max(textWidth(node.name, 'name'), textWidth(node.meta, 'meta')) + 28;

  const calls = graph.edges.filter((edge) => keepEdge(serviceNode(edge.from), serviceNode(edge.to)));
  const uses = graph.databaseEdges.filter((edge) => keepEdge(serviceNode(edge.service), databaseNode(edge.database)));

  const g = new graphlib.Graph({ multigraph: false });
  const large = nodes.length > LARGE_GRAPH;
  g.setGraph({ rankdir: 'LR', nodesep: large ? 14 : 22, ranksep: large ? 56 : 70, edgesep: 8, marginx: 24, marginy: 24, ranker: large ? 'tight-tree' : 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: node.width, height: node.height });
  const labels = new Map(calls.map((edge) => [edge.key, edgeLabel(edge.endpoints)]));
  for (const edge of calls) {
    g.setEdge(serviceNode(edge.from), serviceNode(edge.to), { width: textWidth(labels.get(edge.key) ?? '', 'meta') + 8, height: LABEL_HEIGHT, labelpos: 'c' });
  }
  for (const edge of uses) g.setEdge(serviceNode(edge.service), databaseNode(edge.database), { minlen: 1 });
  layout(g);

  for (const node of nodes) {
    const laid = g.node(node.id) as { x: number; y: number };
    node.x = round(laid.x - node.width / 2);
    node.y = round(laid.y - node.height / 2);
  }
  const points = (from: string, to: string) => {
    const laid = g.edge(from, to) as { points?: { x: number; y: number }[]; x?: number; y?: number; width?: number } | undefined;
    return { laid, points: (laid?.points ?? []).map((point) => ({ x: round(point.x), y: round(point.y) })) };
  };
  const edges: LaidEdge[] = [
    ...calls.map((edge): LaidEdge => {
      const { laid, points: path } = points(serviceNode(edge.from), serviceNode(edge.to));
      const label = laid?.x !== undefined && laid.y !== undefined ? { text: labels.get(edge.key) ?? '', x: round(laid.x), y: round(laid.y), width: laid.width ?? 0 } : undefined;
      return { key: edge.key, kind: 'call', points: path, ...(label ? { label } : {}) };
    }),
    ...uses.map((edge): LaidEdge => ({ key: edge.key, kind: 'database', points: points(serviceNode(edge.service), databaseNode(edge.database)).points })),
  ];
  const size = g.graph() as { width?: number; height?: number };
  return { key, width: round(size.width ?? 0), height: round(size.height ?? 0), nodes, edges };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
