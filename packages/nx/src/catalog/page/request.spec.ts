import type { CatalogEndpoint } from '../model';
import { buildRequest, exampleBody, formatAnswerBody, formFields, formMethods, MissingValue } from './request';

const typed = (overrides: Partial<CatalogEndpoint>): CatalogEndpoint => ({
  name: 'e',
  service: 's',
  methods: ['GET'],
  path: '/',
  access: 'public',
  kind: 'typed',
  file: 'f.ts',
  line: 1,
  ...overrides,
});

const greet = typed({
  name: 'greet',
  service: 'greeter',
  path: '/greet/:id',
  request: { type: 'object', properties: { id: { type: 'number' }, punctuation: { type: 'string', description: 'Ends the greeting.' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['id'] },
});
const place = typed({
  name: 'place',
  service: 'orders',
  methods: ['POST'],
  path: '/orders/:shop',
  request: { type: 'object', properties: { shop: { type: 'string' }, item: { type: 'string' }, quantity: { type: 'integer' } }, required: ['shop', 'item', 'quantity'] },
});
const files = typed({ name: 'files', kind: 'raw', methods: ['*'], path: '/files/*rest' });

describe('the try-it-out form', () => {
  it('asks for path parameters, then the other request fields as query fields for GET', () => {
    expect(formFields(greet, 'GET').map((f) => [f.key, f.type, f.required])).toEqual([
      ['path:id', 'number', true],
      ['query:punctuation', 'string', false],
      ['query:tags', 'string[]', false],
    ]);
    expect(formFields(greet, 'GET')[1].description).toBe('Ends the greeting.');
  });

  it('asks for a JSON body for POST, started from the schema without the path parameters', () => {
    expect(formFields(place, 'POST').map((f) => f.key)).toEqual(['path:shop']);
    expect(JSON.parse(exampleBody(place))).toEqual({ item: '', quantity: 0 });
  });

  it('offers every method for a raw "*" endpoint, with a free query string for query methods', () => {
    expect(formMethods(files)).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
    expect(formMethods(greet)).toEqual(['GET']);
    expect(formFields(files, 'GET').map((f) => f.key)).toEqual(['path:rest', 'query:']);
    expect(formFields(files, 'PUT').map((f) => f.key)).toEqual(['path:rest']);
    expect(exampleBody(files)).toBe('');
  });
});

describe('buildRequest', () => {
  it('encodes path parameters and sends query fields, arrays as repeated keys', () => {
    expect(buildRequest(greet, 'GET', { 'path:id': '2', 'query:punctuation': '?', 'query:tags': 'a, b' })).toEqual({
      method: 'GET',
      url: '/greet/2?punctuation=%3F&tags=a&tags=b',
      headers: {},
    });
    expect(buildRequest(greet, 'GET', { 'path:id': 'a b/c' }).url).toBe('/greet/a%20b%2Fc');
  });

  it('keeps the slashes of a wildcard and sends a raw query string as typed', () => {
    expect(buildRequest(files, 'GET', { 'path:rest': 'a b/c.txt', 'query:': '?x=1&y' }).url).toBe('/files/a%20b/c.txt?x=1&y');
  });

  it('sends the body as JSON for body methods', () => {
    expect(buildRequest(place, 'POST', { 'path:shop': 'main', body: '{"item":"book","quantity":2}' })).toEqual({
      method: 'POST',
      url: '/orders/main',
      headers: { 'content-type': 'application/json' },
      body: '{"item":"book","quantity":2}',
    });
    expect(buildRequest(place, 'POST', { 'path:shop': 'main', body: '  ' })).toEqual({ method: 'POST', url: '/orders/main', headers: {} });
  });

  it('refuses to send without a path parameter or a required query field', () => {
    expect(() => buildRequest(greet, 'GET', {})).toThrow(new MissingValue('Fill in the path parameter "id".'));
    const search = typed({ path: '/search', request: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } });
    expect(() => buildRequest(search, 'GET', {})).toThrow('Fill in the query field "q".');
  });
});

describe('formatAnswerBody', () => {
  it('pretty-prints JSON and leaves text alone', () => {
    expect(formatAnswerBody('{"a":1}', 'application/json')).toBe('{\n  "a": 1\n}');
    expect(formatAnswerBody('not json', 'text/plain')).toBe('not json');
    expect(formatAnswerBody('{broken', 'application/json')).toBe('{broken');
  });
});
