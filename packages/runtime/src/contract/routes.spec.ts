import { parseRoutePath, RouteTable } from './routes';

function routesOf(entries: Array<[string, string]>): RouteTable<string> {
  const routes = new RouteTable<string>();
  for (const [method, path] of entries) routes.add(method, path, `${method} ${path}`);
  return routes;
}

function find(routes: RouteTable<string>, method: string, path: string): { route?: string; params?: readonly string[]; allow?: string } | undefined {
  const match = routes.lookup(path);
  if (match === undefined) return undefined;
  const route = match.table.select(method);
  return route === undefined ? { allow: match.table.allow } : { route, params: match.params };
}

describe('RouteTable', () => {
  const routes = routesOf([
    ['GET', '/'],
    ['GET', '/hello/:name'],
    ['POST', '/hello/:name'],
    ['GET', '/hello/world'],
    ['GET', '/users/:id/posts/:post'],
    ['GET', '/users/:id/profile'],
    ['GET', '/users/me/settings'],
    ['GET', '/files/*path'],
    ['GET', '/files/readme'],
    ['*', '/any/:thing'],
    ['DELETE', '/items/:id'],
  ]);

  it('matches static paths', () => {
    expect(find(routes, 'GET', '/')).toEqual({ route: 'GET /', params: [] });
    expect(find(routes, 'GET', '/hello/world')).toEqual({ route: 'GET /hello/world', params: [] });
  });

  it('prefers a static segment over a parameter', () => {
    expect(find(routes, 'GET', '/hello/world')?.route).toBe('GET /hello/world');
    expect(find(routes, 'GET', '/hello/ada')).toEqual({ route: 'GET /hello/:name', params: ['ada'] });
  });

  it('captures parameters in path order', () => {
    expect(find(routes, 'GET', '/users/7/posts/42')).toEqual({ route: 'GET /users/:id/posts/:post', params: ['7', '42'] });
  });

  it('backtracks from a static branch that dead-ends into a parameter', () => {
    // "me" matches the static branch, which has no "profile": the parameter branch must win.
    expect(find(routes, 'GET', '/users/me/profile')).toEqual({ route: 'GET /users/:id/profile', params: ['me'] });
    expect(find(routes, 'GET', '/users/me/settings')).toEqual({ route: 'GET /users/me/settings', params: [] });
  });

  it('matches a final wildcard against the rest of the path', () => {
    expect(find(routes, 'GET', '/files/a/b/c.txt')).toEqual({ route: 'GET /files/*path', params: ['a/b/c.txt'] });
    expect(find(routes, 'GET', '/files/readme')).toEqual({ route: 'GET /files/readme', params: [] });
    expect(find(routes, 'GET', '/files/')).toBeUndefined();
    expect(find(routes, 'GET', '/files')).toBeUndefined();
  });

  it('percent-decodes parameter values, keeping malformed escapes as sent', () => {
    expect(find(routes, 'GET', '/hello/J%C3%BCrgen%20K')?.params).toEqual(['Jürgen K']);
    expect(find(routes, 'GET', '/hello/%E0%A4%A')?.params).toEqual(['%E0%A4%A']);
  });

  it('does not match empty segments or trailing slashes', () => {
    expect(find(routes, 'GET', '/hello/')).toBeUndefined();
    expect(find(routes, 'GET', '/hello//x')).toBeUndefined();
    expect(find(routes, 'GET', '/users/7/profile/')).toBeUndefined();
    expect(find(routes, 'GET', '/nope')).toBeUndefined();
    expect(find(routes, 'GET', '')).toBeUndefined();
  });

  it('selects by method, with Allow for the others; HEAD falls back to GET', () => {
    expect(find(routes, 'POST', '/hello/ada')).toEqual({ route: 'POST /hello/:name', params: ['ada'] });
    expect(find(routes, 'HEAD', '/hello/ada')?.route).toBe('GET /hello/:name');
    expect(find(routes, 'PUT', '/hello/ada')).toEqual({ allow: 'GET, HEAD, POST' });
    expect(find(routes, 'GET', '/items/1')).toEqual({ allow: 'DELETE' });
  });

  it('answers any method on a "*" route', () => {
    expect(find(routes, 'PATCH', '/any/x')).toEqual({ route: '* /any/:thing', params: ['x'] });
  });

  it('refuses two routes for the same method and path shape, naming both', () => {
    const table = new RouteTable<string>();
    table.add('GET', '/a/:id', 'first', 'svc.first');
    expect(() => table.add('GET', '/a/:name', 'second', 'svc.second')).toThrow(/route conflict: svc.second and svc.first both answer GET \/a\/:name/);
    expect(() => table.add('POST', '/a/:name', 'third')).not.toThrow();
  });
});

describe('parseRoutePath', () => {
  it('parses static, parameter and wildcard segments', () => {
    expect(parseRoutePath('/a/:id/*rest')).toEqual([
      { kind: 'static', value: 'a' },
      { kind: 'param', name: 'id' },
      { kind: 'wildcard', name: 'rest' },
    ]);
    expect(parseRoutePath('/')).toEqual([]);
  });

  it.each([
    ['hello', 'must start with "/"'],
    ['/a//b', 'empty segment'],
    ['/a/', 'empty segment'],
    ['/a/*rest/b', 'must be the last segment'],
    ['/a/:', 'needs a parameter name'],
    ['/a/:1x', 'needs a parameter name'],
    ['/a/:id/:id', 'appears twice'],
    ['/a/b:c', 'may only start a segment'],
    ['/a?x=1', 'must not contain'],
    ['/__topo/health', 'reserved for Topo'],
    ['/a/:__proto__', 'cannot name a parameter'],
  ])('refuses %s (%s)', (path, rule) => {
    expect(() => parseRoutePath(path)).toThrow(new RegExp(`invalid endpoint path "${path.replace(/[?*]/g, '\\$&')}".*${rule}`));
  });
});
