import { readJson, type Tree, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseAppConfig } from '../../../analysis';
import type { NormalizedSplitOptions } from './normalize-options';
import { updateAppConfig } from './update-app-config';

describe('updateAppConfig', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  function update(json: object): unknown {
    const file = 'apps/api/topo.json';
    writeJson(tree, file, json);
    const { config } = parseAppConfig(file, tree.read(file, 'utf-8')!);
    const options = { source: { name: 'hello' }, name: 'yo', apps: [{ name: 'api', root: 'apps/api', config: config! }] };
    updateAppConfig(tree, options as unknown as NormalizedSplitOptions);
    return readJson(tree, file);
  }

  it('puts the new service right after the source, in its process group of each custom topology', () => {
    expect(update({ services: '*', port: 1, topologies: { a: [['x', 'hello', 'z']], b: [['hello'], ['x', 'z']] } })).toEqual({
      services: '*',
      port: 1,
      topologies: {
        a: [['x', 'hello', 'yo', 'z']],
        b: [
          ['hello', 'yo'],
          ['x', 'z'],
        ],
      },
    });
  });

  it('appends it to an explicit services list', () => {
    expect(update({ services: ['hello', 'x'], port: 1 })).toEqual({ services: ['hello', 'x', 'yo'], port: 1 });
  });

  it('leaves a topo.json with "*" and no topology untouched', () => {
    const before = tree.listChanges().length;
    update({ services: '*', port: 1 });
    expect(tree.read('apps/api/topo.json', 'utf-8')).toBe('{\n  "services": "*",\n  "port": 1\n}\n');
    expect(tree.listChanges().length).toBe(before + 1);
  });
});
