import type { Catalog, CatalogEndpoint, CatalogService } from '../model';
import { edgeLabel, isEmptyFilter, serviceGraph, visibleEndpoints, visibleServices } from './view-model';

const endpoint = (service: string, name: string, path: string, access: 'public' | 'private' = 'public', methods = ['GET']): CatalogEndpoint => ({
  name,
  service,
  methods,
  path,
  access,
  kind: 'typed',
  file: `apps/a/services/${service}/${service}.ts`,
  line: 1,
});

const service = (name: string, endpoints: CatalogEndpoint[]): CatalogService => ({ name, root: `apps/a/services/${name}`, project: name, file: `apps/a/services/${name}/service.ts`, line: 3, endpoints });

const call = (from: string, fromEndpoint: string | undefined, to: string, toEndpoint: string) => ({
  from: { service: from, ...(fromEndpoint ? { endpoint: fromEndpoint } : {}), file: `apps/a/services/${from}/${from}.ts`, line: 7 },
  to: { service: to, endpoint: toEndpoint },
});

const users = service('users', [endpoint('users', 'lookup', '/internal/users/lookup', 'private', ['POST']), endpoint('users', 'get', '/users/:id'), endpoint('users', 'boom', '/users/boom')]);
const greeter = service('greeter', [endpoint('greeter', 'greet', '/greet/:id')]);
const orders = service('orders', [endpoint('orders', 'place', '/orders', 'public', ['POST'])]);

const catalog: Catalog = {
  version: 1,
  app: { name: 'shop', root: 'apps/shop', port: 4300 },
  services: [greeter, orders, users],
  calls: [call('greeter', 'greet', 'users', 'lookup'), call('orders', 'place', 'users', 'lookup'), call('orders', 'place', 'greeter', 'greet'), call('orders', undefined, 'users', 'get'), call('orders', 'place', 'users', 'lookup'), call('orders', 'place', 'billing', 'charge')],
  databases: [{ name: 'userdb', owner: 'users', users: ['users', 'orders'] }],
  topologies: [{ name: 'mono', processes: [{ name: 'mono', services: ['greeter', 'orders', 'users'] }] }],
  environments: { local: 'mono' },
};

describe('serviceGraph', () => {
  it('has one edge per calling pair, labelled with each endpoint called once, and leaves out services the catalog does not list', () => {
    const graph = serviceGraph(catalog);
    expect(graph.services).toEqual(['greeter', 'orders', 'users']);
    expect(graph.edges.map((edge) => [edge.key, edge.endpoints, edge.calls.length])).toEqual([
      ['greeter→users', ['lookup'], 1],
      ['orders→greeter', ['greet'], 1],
      ['orders→users', ['get', 'lookup'], 3],
    ]);
  });

  it('links databases to their owner and users, and knows every node’s neighbours', () => {
    const graph = serviceGraph(catalog);
    expect(graph.databaseEdges.map((edge) => [edge.service, edge.database, edge.owner])).toEqual([
      ['users', 'userdb', true],
      ['orders', 'userdb', false],
    ]);
    expect([...graph.neighbours.get('s:users')!].sort()).toEqual(['d:userdb', 's:greeter', 's:orders']);
    expect([...graph.neighbours.get('s:greeter')!].sort()).toEqual(['s:orders', 's:users']);
  });
});

describe('edgeLabel', () => {
  it('lists the endpoints, and past the length says how many more', () => {
    expect(edgeLabel(['get', 'lookup'])).toBe('get, lookup');
    expect(edgeLabel(['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'], 20)).toBe('alpha, bravo +4');
    expect(edgeLabel(['a-very-long-endpoint-name-indeed'], 10)).toBe('a-very-long-endpoint-name-indeed');
  });
});

describe('the search and the access filter', () => {
  const names = (found: CatalogEndpoint[] | undefined) => found?.map((e) => e.name);

  it('shows everything for an empty filter', () => {
    expect(isEmptyFilter({ query: '  ', access: 'all' })).toBe(true);
    expect(names(visibleEndpoints(users, { query: '', access: 'all' }))).toEqual(['lookup', 'get', 'boom']);
  });

  it('matches endpoint names, paths and methods, every word, ignoring case', () => {
    expect(names(visibleEndpoints(users, { query: 'GET /Users', access: 'all' }))).toEqual(['get', 'boom']);
    expect(names(visibleEndpoints(users, { query: 'post internal', access: 'all' }))).toEqual(['lookup']);
    expect(names(visibleEndpoints(users, { query: 'users.get', access: 'all' }))).toEqual(['get']);
    expect(visibleEndpoints(greeter, { query: 'orders', access: 'all' })).toBeUndefined();
  });

  it('shows every endpoint of a service whose name matches', () => {
    expect(names(visibleEndpoints(users, { query: 'user', access: 'all' }))).toEqual(['lookup', 'get', 'boom']);
  });

  it('filters by access, and hides a service left with no endpoint', () => {
    expect(names(visibleEndpoints(users, { query: '', access: 'private' }))).toEqual(['lookup']);
    expect(visibleEndpoints(greeter, { query: '', access: 'private' })).toBeUndefined();
    expect([...visibleServices(catalog, { query: '', access: 'private' })]).toEqual(['users']);
    expect([...visibleServices(catalog, { query: 'greet', access: 'public' })]).toEqual(['greeter']);
  });
});
