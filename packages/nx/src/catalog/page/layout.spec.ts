import type { Catalog, CatalogService } from '../model';
import { layoutDiagram, layoutKey, textWidth, type LaidNode } from './layout';
import { serviceGraph } from './view-model';

const service = (name: string, endpoints = 1): CatalogService => ({
  name,
  root: `apps/a/services/${name}`,
  project: name,
  file: `apps/a/services/${name}/service.ts`,
  line: 3,
  endpoints: Array.from({ length: endpoints }, (_, i) => ({
    name: `e${i}`,
    service: name,
    methods: ['GET'],
    path: `/${name}/e${i}`,
    access: 'public' as const,
    kind: 'typed' as const,
    file: `apps/a/services/${name}/${name}.ts`,
    line: 5 + i,
  })),
});

const call = (from: string, to: string, endpoint = 'e0') => ({ from: { service: from, endpoint: 'e0', file: `apps/a/services/${from}/${from}.ts`, line: 9 }, to: { service: to, endpoint } });

/** A chain a → b → c → d, e calling a and c, and a database used by c and d. */
const catalog: Catalog = {
  version: 1,
  app: { name: 'a', root: 'apps/a', port: 4000 },
  services: ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((name) => service(name, name.length)),
  calls: [call('alpha', 'bravo'), call('bravo', 'charlie', 'e1'), call('bravo', 'charlie', 'e2'), call('charlie', 'delta'), call('echo', 'alpha'), call('echo', 'charlie')],
  databases: [{ name: 'store', owner: 'charlie', users: ['charlie', 'delta'] }],
  topologies: [],
  environments: {},
};

const overlap = (a: LaidNode, b: LaidNode) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutDiagram', () => {
  const graph = serviceGraph(catalog);
  const laid = layoutDiagram(catalog, graph);

  it('places every service and database once, inside the diagram, none over another', () => {
    expect(laid.nodes.map((node) => node.id)).toEqual(['s:alpha', 's:bravo', 's:charlie', 's:delta', 's:echo', 'd:store']);
    for (const node of laid.nodes) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.y).toBeGreaterThanOrEqual(0);
      expect(node.x + node.width).toBeLessThanOrEqual(laid.width);
      expect(node.y + node.height).toBeLessThanOrEqual(laid.height);
      for (const other of laid.nodes) if (other !== node) expect(overlap(node, other)).toBe(false);
    }
    expect(laid.nodes.find((node) => node.id === 's:delta')?.meta).toBe('5 endpoints');
  });

  it('sizes each box for its two lines of text', () => {
    for (const node of laid.nodes) expect(node.width).toBe(Math.max(textWidth(node.name, 'name'), textWidth(node.meta, 'meta')) + 28);
    const long = { ...catalog, services: [...catalog.services, service('a-service-with-a-long-name')] };
    const wide = layoutDiagram(long, serviceGraph(long)).nodes.find((node) => node.name === 'a-service-with-a-long-name')!;
    expect(wide.width).toBeGreaterThan(laid.nodes.find((node) => node.name === 'echo')!.width * 2);
  });

  it('draws callers before callees, left to right, and gives each calling pair a path and a label', () => {
    const x = (name: string) => laid.nodes.find((node) => node.name === name)!.x;
    expect(x('alpha')).toBeLessThan(x('bravo'));
    expect(x('bravo')).toBeLessThan(x('charlie'));
    expect(x('charlie')).toBeLessThan(x('delta'));
    expect(laid.edges.map((edge) => [edge.key, edge.label?.text])).toEqual([
      ['alpha→bravo', 'e0'],
      ['bravo→charlie', 'e1, e2'],
      ['charlie→delta', 'e0'],
      ['echo→alpha', 'e0'],
      ['echo→charlie', 'e0'],
      ['charlie⇢store', undefined],
      ['delta⇢store', undefined],
    ]);
    for (const edge of laid.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
  });

  it('lays out an isolated service with its neighbours and the edges that touch it only', () => {
    const isolated = layoutDiagram(catalog, graph, 'charlie');
    expect(isolated.nodes.map((node) => node.id).sort()).toEqual(['d:store', 's:bravo', 's:charlie', 's:delta', 's:echo']);
    expect(isolated.edges.map((edge) => edge.key)).toEqual(['bravo→charlie', 'charlie→delta', 'echo→charlie', 'charlie⇢store']);
  });

  it('is the same every time, and keyed by what it depends on', () => {
    expect(layoutDiagram(catalog, graph)).toEqual(laid);
    expect(layoutKey(catalog, graph, undefined)).toBe(laid.key);
    expect(layoutKey(catalog, graph, 'charlie')).not.toBe(laid.key);
    const more = { ...catalog, calls: [...catalog.calls, call('delta', 'echo')] };
    expect(layoutKey(more, serviceGraph(more), undefined)).not.toBe(laid.key);
    const moreEndpoints = { ...catalog, services: catalog.services.map((s) => (s.name === 'echo' ? service('echo', 9) : s)) };
    expect(layoutKey(moreEndpoints, serviceGraph(moreEndpoints), undefined)).not.toBe(laid.key);
  });
});

describe('textWidth', () => {
  it('measures from a table of character widths, wider for wider letters and the bold name font', () => {
    expect(textWidth('', 'name')).toBe(0);
    expect(textWidth('mmmm', 'name')).toBeGreaterThan(textWidth('iiii', 'name'));
    expect(textWidth('users', 'name')).toBeGreaterThan(textWidth('users', 'meta'));
    expect(textWidth('日本', 'meta')).toBeGreaterThan(0);
  });
});
