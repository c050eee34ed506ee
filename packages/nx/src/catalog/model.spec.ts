import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { analyzeApp, analyzeWorkspace, readAppConfig } from '../analysis';
import { loadCatalog } from '../app/load-app';
import type { Catalog } from './model';
import { validateOpenApi } from '../testing/openapi';
import { toOpenApi } from './openapi';

/**
 * The catalog model and its OpenAPI document on every fixture app of the repository: the
 * corpus and real-shaped split fixtures, the serve fixture, and the demo.
 */

const SPLIT = join(__dirname, '..', 'generators', 'split-service', '__fixtures__');
const REPO = join(__dirname, '..', '..', '..', '..');

interface FixtureApp {
  label: string;
  workspaceRoot: string;
  appName: string;
  appRoot: string;
}

function splitFixtures(group: string): FixtureApp[] {
  const dir = join(SPLIT, group);
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'corpus.json')))
    .map((name) => {
      const { app } = JSON.parse(readFileSync(join(dir, name, 'corpus.json'), 'utf8'));
      return { label: `${group}/${name}`, workspaceRoot: join(dir, name), appName: app.name, appRoot: app.root };
    });
}

const APPS: FixtureApp[] = [
  ...splitFixtures('corpus'),
  ...splitFixtures('real'),
  { label: 'serve/shop', workspaceRoot: join(__dirname, '..', 'executors', 'serve', '__fixtures__', 'shop'), appName: 'shop', appRoot: 'apps/shop' },
  { label: 'demo', workspaceRoot: REPO, appName: 'demo', appRoot: 'packages/demo' },
];

/** catalog.json's format, as docs/catalog.md documents it, compiled by ajv (JSON Schema 2020-12, strict mode). */
const validateCatalog = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(__dirname, 'catalog.schema.json'), 'utf8')));

const catalogs = new Map<string, Catalog>();
const validations = new Map<string, { valid: boolean; errors?: unknown }>();

beforeAll(() => {
  for (const app of APPS) catalogs.set(app.label, loadCatalog({ workspaceRoot: app.workspaceRoot, appName: app.appName, appRoot: join(app.workspaceRoot, app.appRoot) }));
  // One validator run for every document: it starts a node of its own.
  const results = validateOpenApi(APPS.map((app) => toOpenApi(catalogs.get(app.label)!)));
  APPS.forEach((app, i) => validations.set(app.label, results[i]));
});

describe.each(APPS)('the catalog of $label', ({ label, workspaceRoot, appRoot }) => {
  let catalog: Catalog;
  const analysis = () => {
    const { config } = readAppConfig(workspaceRoot, appRoot);
    return analyzeApp(config!, analyzeWorkspace(workspaceRoot));
  };

  beforeAll(() => {
    catalog = catalogs.get(label)!;
  });

  it('lists every service and endpoint the analysis reads, with method, path, access, kind, file and line', () => {
    const expected = analysis().services.flatMap((service) =>
      service.endpoints.map((e) => ({
        service: service.name,
        name: e.exportName,
        methods: e.methods,
        path: e.path,
        access: e.expose ? 'public' : 'private',
        kind: e.kind,
        file: e.file,
        line: e.line,
      })),
    );
    const listed = catalog.services.flatMap((s) => s.endpoints.map(({ service, name, methods, path, access, kind, file, line }) => ({ service, name, methods, path, access, kind, file, line })));
    expect(listed).toEqual(expect.arrayContaining(expected));
    expect(listed).toHaveLength(expected.length);
  });

  it('gives every typed endpoint a request and a response schema, and every call between services with its place', () => {
    for (const endpoint of catalog.services.flatMap((s) => s.endpoints)) {
      if (endpoint.kind === 'typed') expect({ endpoint: endpoint.name, request: typeof endpoint.request, response: typeof endpoint.response }).toEqual({ endpoint: endpoint.name, request: 'object', response: 'object' });
    }
    const calls = analysis().services.flatMap((s) => s.calls.map((c) => `${c.from} -> ${c.to}.${c.endpoint} at ${c.file}:${c.line}`));
    expect(catalog.calls.map((c) => `${c.from.service} -> ${c.to.service}.${c.to.endpoint} at ${c.from.file}:${c.from.line}`).sort()).toEqual(calls.sort());
  });

  it('lists each database of its services with its owner, every service that uses it and its migrations', () => {
    const expected = analysis().databases.map((d) => ({
      name: d.name,
      owner: d.service,
      users: [d.service, ...d.users].sort(),
      ...(d.migrations ? { migrations: d.migrations } : {}),
    }));
    expect(catalog.databases).toEqual(expected);
  });

  it('places every service in each topology, and names every environment', () => {
    const names = catalog.services.map((s) => s.name).sort();
    expect(catalog.topologies.map((t) => t.name)).toEqual(expect.arrayContaining(['mono', 'micro']));
    for (const topology of catalog.topologies) expect(topology.processes.flatMap((p) => p.services).sort()).toEqual(names);
    for (const topology of Object.values(catalog.environments)) expect(catalog.topologies.map((t) => t.name)).toContain(topology);
  });

  it('is valid against the JSON Schema of its own format (catalog.schema.json), as written to catalog.json', () => {
    const written = JSON.parse(JSON.stringify(catalog));
    expect(validateCatalog(written) ? [] : validateCatalog.errors).toEqual([]);
  });

  it('gives an OpenAPI 3.1 document of the public endpoints only, which a validator accepts', () => {
    const openapi = toOpenApi(catalog);
    expect(validations.get(label)).toEqual({ valid: true });
    const operations = Object.values(openapi.paths).flatMap((methods) => Object.values(methods) as { operationId: string }[]);
    const publicEndpoints = catalog.services.flatMap((s) => s.endpoints).filter((e) => e.access === 'public');
    for (const endpoint of catalog.services.flatMap((s) => s.endpoints)) {
      const documented = operations.some((o) => o.operationId.startsWith(`${endpoint.service}.${endpoint.name}`));
      expect({ endpoint: `${endpoint.service}.${endpoint.name}`, documented }).toEqual({ endpoint: `${endpoint.service}.${endpoint.name}`, documented: endpoint.access === 'public' });
    }
    expect(publicEndpoints.length).toBeGreaterThan(0);
  });
});

describe('what the catalog carries from the code', () => {
  it('keeps doc comments of services, endpoints and fields, and the endpoint that makes each call', () => {
    const catalog = catalogs.get('real/shortener')!;
    const links = catalog.services.find((s) => s.name === 'links')!;
    const get = links.endpoints.find((e) => e.name === 'get')!;
    expect(get.doc).toEqual(expect.any(String));
    expect(catalog.calls).toContainEqual(expect.objectContaining({ from: expect.objectContaining({ service: 'links', endpoint: 'shorten' }), to: { service: 'safety', endpoint: 'check' } }));
    const shortUrl = JSON.stringify(get.response);
    expect(shortUrl).toContain('"description"');
  });
});
