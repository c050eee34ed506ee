import { createHash } from 'node:crypto';
import type { Catalog, CatalogService } from './model';
import { layoutDiagram } from './page/layout';
import { serviceGraph } from './page/view-model';
import { CATALOG_ELEMENT_ID, embedJson, LAYOUT_ELEMENT_ID, readEmbeddedCatalog, readEmbeddedLayout, renderCatalogPage } from './render-page';

jest.setTimeout(60_000);

/** A catalog whose strings try to break out of the page: closing tags, comments, line separators, markup. */
const tricky: Catalog = {
  version: 1,
  app: { name: 'shop <b>&</b>', root: 'apps/shop', port: 4300 },
  services: [
    {
      name: 'users',
      doc: 'Users. </script><script>alert(1)</script> <!-- and --> \u2028 line \u2029 paragraph & "quotes"',
      root: 'apps/shop/services/users',
      project: 'users',
      file: 'apps/shop/services/users/service.ts',
      line: 3,
      endpoints: [
        {
          name: 'get',
          service: 'users',
          methods: ['GET'],
          path: '/users/:id',
          access: 'public',
          kind: 'typed',
          doc: 'One user. </SCRIPT >',
          file: 'apps/shop/services/users/users.ts',
          line: 20,
          request: { type: 'object', properties: { id: { type: 'number', description: '<img src=x onerror=alert(1)>' } }, required: ['id'] },
          response: { type: 'object', properties: { id: { type: 'number' }, name: { type: 'string' } }, required: ['id', 'name'] },
        },
      ],
    },
  ],
  calls: [],
  databases: [],
  topologies: [{ name: 'mono', processes: [{ name: 'mono', services: ['users'] }] }],
  environments: { local: 'mono' },
};

/** A catalog of `count` services in layers, each calling up to three below it, eight endpoints each with documented schemas. */
function generatedCatalog(count: number): Catalog {
  const names = Array.from({ length: count }, (_, n) => `service-${String(n).padStart(3, '0')}`);
  const item = (service: string) => ({
    type: 'object' as const,
    properties: {
      id: { type: 'string' as const, description: 'Unique id, assigned on creation.' },
      name: { type: 'string' as const, description: 'Display name.' },
      tags: { type: 'array' as const, items: { type: 'string' as const }, description: 'Labels that search matches.' },
      plan: { enum: ['free', 'team', 'enterprise'], description: 'The plan it is billed under.' },
      owner: { type: 'object' as const, properties: { id: { type: 'string' as const }, name: { type: 'string' as const } }, required: ['id', 'name'] },
      createdAt: { type: 'string' as const, description: `When ${service} created it (ISO 8601).` },
    },
    required: ['id', 'name', 'tags', 'plan', 'owner', 'createdAt'],
    additionalProperties: false,
  });
  const services: CatalogService[] = names.map((name) => {
    const file = `apps/big/services/${name}/${name}.ts`;
    const endpoint = (exportName: string, method: string, path: string, access: 'public' | 'private', line: number) => ({
      name: exportName,
      service: name,
      methods: [method],
      path: `/${name}${path}`,
      access,
      kind: 'typed' as const,
      doc: `${exportName} of ${name}: what it does, in a sentence or two of doc comment.`,
      file,
      line,
      request: { type: 'object' as const, properties: { id: { type: 'string' as const, description: 'The item id.' }, limit: { type: 'integer' as const } }, required: ['id'] },
      response: item(name),
    });
    return {
      name,
      doc: `The ${name} service.`,
      root: `apps/big/services/${name}`,
      project: name,
      file: `apps/big/services/${name}/service.ts`,
      line: 3,
      endpoints: [
        endpoint('list', 'GET', '/items', 'public', 10),
        endpoint('get', 'GET', '/items/:id', 'public', 20),
        endpoint('create', 'POST', '/items', 'public', 30),
        endpoint('update', 'PUT', '/items/:id', 'public', 40),
        endpoint('remove', 'DELETE', '/items/:id', 'public', 50),
        endpoint('search', 'GET', '/search', 'public', 60),
        endpoint('stats', 'GET', '/stats', 'private', 70),
        endpoint('sync', 'POST', '/sync', 'private', 80),
      ],
    };
  });
  const calls = names.flatMap((name, n) =>
    [n - 1, n - 7, Math.floor(n / 2)]
      .filter((target, i, all) => target >= 0 && target < n && all.indexOf(target) === i)
      .map((target) => ({ from: { service: name, endpoint: 'get', file: `apps/big/services/${name}/${name}.ts`, line: 22 }, to: { service: names[target], endpoint: 'get' } })),
  );
  return {
    version: 1,
    app: { name: 'big', root: 'apps/big', port: 4000 },
    services,
    calls,
    databases: [],
    topologies: [
      { name: 'mono', processes: [{ name: 'mono', services: names }] },
      { name: 'micro', processes: names.map((name) => ({ name, services: [name] })) },
    ],
    environments: { local: 'mono', production: 'micro' },
  };
}

/** The text between an element's opening tag (matched by `open`) and its closing tag. */
function elementText(html: string, open: RegExp, close: string): string[] {
  const texts: string[] = [];
  const pattern = new RegExp(open.source, 'g');
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    const start = match.index + match[0].length;
    texts.push(html.slice(start, html.indexOf(close, start)));
  }
  return texts;
}

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

describe('renderCatalogPage', () => {
  let html: string;
  let firstMs: number;

  beforeAll(async () => {
    const started = performance.now();
    html = await renderCatalogPage(tricky);
    firstMs = performance.now() - started;
  });

  it('is one self-contained document: nothing loaded from anywhere, no URL of any host in it', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9-]+\.[a-z]{2,}/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    // The style sheet refers to nothing outside the document.
    const [style] = elementText(html, /<style>/, '</style>');
    expect(style.length).toBeGreaterThan(1000);
    expect(style.match(/url\(/g) ?? []).toEqual([]);
    // Three scripts: the embedded catalog and diagram layout (data) and the inline bundle.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      `<script type="application/json" id="${CATALOG_ELEMENT_ID}" data-encoding="gzip-base64">`,
      `<script type="application/json" id="${LAYOUT_ELEMENT_ID}" data-encoding="gzip-base64">`,
      '<script>',
    ]);
  });

  it('lets the browser run only its own script and style, and connect only to its own origin', () => {
    const policy = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1] ?? '';
    const [script] = elementText(html, /<script>/, '</script>');
    const [style] = elementText(html, /<style>/, '</style>');
    expect(policy.split('; ')).toEqual([
      "default-src 'none'",
      `script-src '${sha256(script)}'`,
      `style-src '${sha256(style)}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    // The bundle holds the diagram layout library (dagre) and the page's code, minified, and their licences.
    expect(script).toMatch(/@dagrejs\/dagre@3\.\d+\.\d+, MIT License:\nCopyright/);
    expect(script).toMatch(/@dagrejs\/graphlib@\d+\.\d+\.\d+, MIT License:\nCopyright/);
    expect(script).toContain('Permission is hereby granted');
    expect(script).toContain('topo:diagram-drawn');
  });

  it('embeds the catalog so that it reads back unchanged, whatever its strings hold', () => {
    expect(readEmbeddedCatalog(html)).toEqual(tricky);
    const [embedded] = elementText(html, /<script type="application\/json"[^>]*>/, '</script>');
    expect(embedded).toMatch(/^"[A-Za-z0-9+/=]+"$/);
    // The title is escaped; no string of the catalog appears as markup.
    expect(html).toContain('<title>shop &lt;b&gt;&amp;&lt;/b&gt; · service catalog</title>');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('alert(1)');
  });

  it('embeds the whole diagram laid out, as the page would lay it out', () => {
    expect(readEmbeddedLayout(html)).toEqual(layoutDiagram(tricky, serviceGraph(tricky)));
    expect(readEmbeddedLayout(html).nodes.map((node) => node.name)).toEqual(['users']);
  });

  it('escapes JSON for a <script> element', () => {
    const value = { doc: '</script><!-- \u2028\u2029 & >' };
    const text = embedJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('bundles the page once: rendering again reuses the bundle', async () => {
    const started = performance.now();
    const again = await renderCatalogPage({ ...tricky, app: { ...tricky.app, name: 'other' } });
    const againMs = performance.now() - started;
    expect(elementText(again, /<script>/, '</script>')).toEqual(elementText(html, /<script>/, '</script>'));
    expect(readEmbeddedCatalog(again).app.name).toBe('other');
    // The first render ran esbuild (hundreds of milliseconds); the second only serialises.
    expect(againMs).toBeLessThan(firstMs / 3);
  });

  it('stays under 1 MB for 200 services with 1,600 documented endpoints', async () => {
    const catalog = generatedCatalog(200);
    const page = await renderCatalogPage(catalog);
    const bytes = Buffer.byteLength(page);
    expect(catalog.services).toHaveLength(200);
    expect(Buffer.byteLength(JSON.stringify(catalog))).toBeGreaterThan(1024 * 1024);
    expect(bytes).toBeLessThan(1024 * 1024);
    expect(readEmbeddedCatalog(page)).toEqual(catalog);
    expect(readEmbeddedLayout(page).nodes).toHaveLength(200);
    expect(page).not.toMatch(/https?:\/\//i);
  });
});
