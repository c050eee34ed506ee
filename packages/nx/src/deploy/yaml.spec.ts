import { parse } from 'yaml';
import { toYaml } from './yaml';

describe('toYaml', () => {
  it('writes every string so that it reads back the same, the awkward ones included', () => {
    const strings = ['a:', 'key: value', 'yes', 'No', 'null', '~', '0755', '1e3', '- x', '# no comment', '@scoped', '`tick`', '', ' padded ', 'line\nbreak', '{x}', '[y]', '*', '&a', '!tag', '%', 'http://127.0.0.1:4000/a?b=c#d', '${TOPO_SECRET:?set it}'];
    const data = { strings, map: Object.fromEntries(strings.map((s, i) => [s || `empty${i}`, s])) };
    expect(parse(toYaml(data))).toEqual(data);
  });

  it('keeps numbers, booleans, null, empty lists and maps, and a shared object written twice (no anchors)', () => {
    const shared = { condition: 'service_healthy' };
    const data = { n: 4000, t: true, f: false, z: null, list: [], map: {}, a: shared, b: shared };
    const text = toYaml(data);
    expect(text).not.toMatch(/[&*]\w/);
    expect(parse(text)).toEqual(data);
  });

  it('never folds a long string', () => {
    const long = `${'word '.repeat(60)}end`;
    expect(toYaml({ long }).trim().split('\n')).toHaveLength(1);
  });
});
