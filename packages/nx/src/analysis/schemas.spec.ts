import { createTempWorkspace, serviceFile, type TempWorkspace } from './__fixtures__/temp-workspace';
import { createTree } from '@nx/devkit/testing';
import { diskHost, treeHost } from './files';
import { endpointSchemas } from './schemas';
import { analyzeWorkspace } from './workspace';

// A stand-in for the runtime's declarations, so the tests do not depend on its build.
const RUNTIME_TYPES = `
export declare class Service { constructor(name: string); }
export interface Endpoint<Req, Resp> { (req: Req): Promise<Resp>; }
export declare const api: {
  <Req, Resp>(options: { expose?: boolean; method?: string | string[]; path: string }, handler: (req: Req) => Promise<Resp>): Endpoint<Req, Resp>;
  raw(options: { path: string }, handler: (req: unknown, res: unknown) => void): unknown;
};
`;

describe('endpointSchemas', () => {
  let workspace: TempWorkspace;

  beforeAll(() => {
    workspace = createTempWorkspace({
      'tsconfig.base.json': JSON.stringify({
        compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', paths: { '@topo/runtime': ['runtime.d.ts'] } },
      }),
      'runtime.d.ts': RUNTIME_TYPES,
      'api/shapes/service.ts': serviceFile('shapes'),
      'api/shapes/types.ts': `
export interface Address { street: string; zip?: string }
export type Role = 'admin' | 'member';
export enum Color { Red = 'red', Green = 'green' }
export enum Level { Low, High }
export interface Tree { label: string; children: Tree[] }
export type UserId = string & { readonly __brand: 'UserId' };
`,
      'api/shapes/shapes.ts': `
import { api } from '@topo/runtime';
import { Address, Color, Level, Role, Tree, UserId } from './types';

interface Base { id: number }
type WithName = Base & { name: string };

export const primitives = api({ path: '/p' }, async (req: { s: string; n: number; b: boolean; nul: null }) => req.s);
export const optional = api({ path: '/o' }, async (req: { a?: string; b: string | undefined; c: string | null }) => 1);
export const literals = api({ path: '/l' }, async (req: { role: Role; one: 1; yes: true; mixed: 'a' | 2 | null }) => true);
export const enums = api({ path: '/e' }, async (req: { color: Color; level: Level }) => null);
export const nested = api({ path: '/n' }, async (req: { address: Address; tags: string[]; pairs: [string, number]; when: Date }) => req.when);
export const composed = api({ path: '/c' }, async (req: WithName & Partial<{ nick: string }>) => ({ ok: true }));
export const unions = api({ path: '/u' }, async (req: { value: string | number; maybe?: boolean; anything: unknown; loose: any }) => [1]);
export const records = api({ path: '/r' }, async (req: { counts: Record<string, number>; id: UserId }) => req.counts);
export const recursive = api({ path: '/t' }, async (req: Tree): Promise<Tree> => req);
export const described = api({ path: '/d' }, async (req: {
  /** Who to greet. */
  name: string;
}): Promise<void> => {});
export const noParameter = api({ path: '/none' }, async (): Promise<{ items: { id: number }[] }> => ({ items: [] }));
async function named(req: { q: string }): Promise<string[]> { return [req.q]; }
export const byReference = api({ path: '/ref' }, named);
export const inferred = api<{ fromGeneric: number }, { ok: boolean }>({ path: '/g' }, async (req) => ({ ok: req.fromGeneric > 0 }));
export const withFunction = api({ path: '/f' }, async (req: { name: string; callback?: () => void }) => 1);
export const raw = api.raw({ path: '/raw' }, (req, res) => undefined);
`,
    });
  });

  afterAll(() => workspace.remove());

  // One program for every test: building it is what takes time.
  let computed: ReturnType<typeof endpointSchemas> | undefined;
  function schemas() {
    if (!computed) {
      const { services, errors } = analyzeWorkspace(workspace.root);
      expect(errors).toEqual([]);
      computed = endpointSchemas(diskHost(workspace.root), services);
    }
    return computed;
  }

  it('converts primitives and marks every present property required', () => {
    expect(schemas().get('shapes.primitives')).toEqual({
      request: {
        type: 'object',
        properties: { s: { type: 'string' }, n: { type: 'number' }, b: { type: 'boolean' }, nul: { type: 'null' } },
        required: ['s', 'n', 'b', 'nul'],
      },
      response: { type: 'string' },
    });
  });

  it('leaves optional and undefined-accepting properties out of required', () => {
    expect(schemas().get('shapes.optional')?.request).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' }, c: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
      required: ['c'],
    });
  });

  it('turns literals and their unions into const and enum', () => {
    expect(schemas().get('shapes.literals')).toEqual({
      request: {
        type: 'object',
        properties: {
          role: { enum: ['admin', 'member'] },
          one: { const: 1 },
          yes: { const: true },
          mixed: { enum: ['a', 2, null] },
        },
        required: ['role', 'one', 'yes', 'mixed'],
      },
      response: { type: 'boolean' },
    });
  });

  it('turns enums into the enum of their values', () => {
    expect(schemas().get('shapes.enums')?.request.properties).toEqual({
      color: { enum: ['red', 'green'] },
      level: { enum: [0, 1] },
    });
  });

  it('converts nested objects, arrays, tuples and dates', () => {
    expect(schemas().get('shapes.nested')).toEqual({
      request: {
        type: 'object',
        properties: {
          address: {
            type: 'object',
            properties: { street: { type: 'string' }, zip: { type: 'string' } },
            required: ['street'],
          },
          tags: { type: 'array', items: { type: 'string' } },
          pairs: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
          when: { type: 'string' },
        },
        required: ['address', 'tags', 'pairs', 'when'],
      },
      response: { type: 'string' },
    });
  });

  it('merges intersections, aliases and Partial<>', () => {
    expect(schemas().get('shapes.composed')).toEqual({
      request: {
        type: 'object',
        properties: { id: { type: 'number' }, name: { type: 'string' }, nick: { type: 'string' } },
        required: ['id', 'name'],
      },
      response: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    });
  });

  it('uses anyOf for mixed unions and {} for any and unknown', () => {
    expect(schemas().get('shapes.unions')).toEqual({
      request: {
        type: 'object',
        properties: {
          value: { anyOf: [{ type: 'string' }, { type: 'number' }] },
          maybe: { type: 'boolean' },
          anything: {},
          loose: {},
        },
        required: ['value'],
      },
      response: { type: 'array', items: { type: 'number' } },
    });
  });

  it('converts index signatures and branded primitives', () => {
    expect(schemas().get('shapes.records')?.request).toEqual({
      type: 'object',
      properties: { counts: { type: 'object', properties: {}, required: [], additionalProperties: { type: 'number' } }, id: { type: 'string' } },
      required: ['counts', 'id'],
    });
  });

  it('cuts recursion with {}', () => {
    const tree = {
      type: 'object',
      properties: { label: { type: 'string' }, children: { type: 'array', items: {} } },
      required: ['label', 'children'],
    };
    expect(schemas().get('shapes.recursive')).toEqual({ request: tree, response: tree });
  });

  it('keeps property documentation as the description', () => {
    expect(schemas().get('shapes.described')).toEqual({
      request: { type: 'object', properties: { name: { type: 'string', description: 'Who to greet.' } }, required: ['name'] },
      response: {},
    });
  });

  it('handles handlers without parameter, passed by reference, typed through generics, with functions', () => {
    const all = schemas();
    expect(all.get('shapes.noParameter')).toEqual({
      request: {},
      response: {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'number' } }, required: ['id'] },
          },
        },
        required: ['items'],
      },
    });
    expect(all.get('shapes.byReference')).toEqual({
      request: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
      response: { type: 'array', items: { type: 'string' } },
    });
    expect(all.get('shapes.inferred')?.request).toEqual({
      type: 'object',
      properties: { fromGeneric: { type: 'number' } },
      required: ['fromGeneric'],
    });
    expect(all.get('shapes.withFunction')?.request).toEqual({
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    });
  });

  it('gives raw endpoints no schema, and splits requests from responses', () => {
    expect(schemas().has('shapes.raw')).toBe(false);
    expect(schemas().get('shapes.primitives')?.request.type).toBe('object');
    expect(schemas().get('shapes.primitives')?.response).toEqual({ type: 'string' });
  });

  it("reads the workspace's files through a Tree, pending changes included", () => {
    const tree = createTree();
    const host = treeHost(tree);
    for (const file of diskHost(workspace.root).list()) tree.write(file, diskHost(workspace.root).read(file)!);
    tree.write('api/shapes/types.ts', `export interface Address { street: string; zip?: string; country: string }\n`);
    tree.write('api/shapes/only-in-tree.ts', `import { api } from '@topo/runtime';\nexport const fresh = api({ path: '/f' }, async (req: { n: number }) => req.n);\n`);
    const { services } = analyzeWorkspace(tree.root, { host });

    const fromTree = endpointSchemas(host, services);

    expect(fromTree.get('shapes.fresh')).toEqual({
      request: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      response: { type: 'number' },
    });
    expect(fromTree.get('shapes.nested')?.request.properties?.address).toEqual({
      type: 'object',
      properties: { street: { type: 'string' }, zip: { type: 'string' }, country: { type: 'string' } },
      required: ['street', 'country'],
    });
  });
});
