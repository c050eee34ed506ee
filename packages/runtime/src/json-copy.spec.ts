import { APIError, ErrCode } from './errors';
import { jsonCopy, jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-copy';

/** What the round trip through text gives, the reference jsonCopy must match exactly. */
function roundTrip(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  get length(): number {
    return Math.hypot(this.x, this.y);
  }
  scale(): void {}
}

class WithEnumerableInherited {
  own = 1;
}
(WithEnumerableInherited.prototype as unknown as { inherited: number }).inherited = 2;

const sparse: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays
const withSymbolKey = { visible: 1, [Symbol('hidden')]: 2 };
const withAccessor = Object.defineProperty({ plain: 1 }, 'computed', { get: () => 'got', enumerable: true });
const withHidden = Object.defineProperty({ plain: 1 }, 'hidden', { value: 'no', enumerable: false });
const nullProto = Object.assign(Object.create(null), { a: 1, b: [null] });
const integerKeys = { b: 1, 2: 'two', a: 2, 1: 'one', '-1': 'minus' };

const inputs: Array<[string, unknown]> = [
  ['a string', 'hello'],
  ['an empty string', ''],
  ['a unicode string', 'héllo \u2028 \ud83d\ude00'],
  ['an integer', 42],
  ['a float', -3.25],
  ['zero', 0],
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
  ['a function', () => 1],
  ['a symbol', Symbol('s')],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['an empty object', {}],
  ['an empty array', []],
  ['a flat object', { name: 'x', n: 1, ok: true, nothing: null }],
  ['dropped members', { u: undefined, f: () => 1, s: Symbol('s'), kept: 1 }],
  ['nulled array members', [undefined, () => 1, Symbol('s'), NaN, Infinity, 1]],
  ['a sparse array', sparse],
  ['a date', new Date(Date.UTC(2020, 1, 3, 4, 5, 6, 7))],
  ['an invalid date', new Date(NaN)],
  ['dates inside', { at: new Date(0), list: [new Date(1000)] }],
  ['boxed primitives', { n: Object(5), s: Object('str'), b: Object(false), nan: Object(NaN) }],
  ['a class instance', new Point(3, 4)],
  ['an enumerable inherited property', new WithEnumerableInherited()],
  ['a Map and a Set', { map: new Map([[1, 2]]), set: new Set([1]) }],
  ['a typed array', new Uint8Array([1, 2, 3])],
  ['a regular expression', /abc/g],
  ['an error', new Error('boom')],
  ['symbol keys', withSymbolKey],
  ['an enumerable accessor', withAccessor],
  ['a non-enumerable property', withHidden],
  ['a null-prototype object', nullProto],
  ['integer-like keys', integerKeys],
  ['toJSON returning a primitive', { toJSON: () => 'replaced' }],
  ['toJSON returning undefined', { a: { toJSON: () => undefined }, b: [{ toJSON: () => undefined }] }],
  ['toJSON returning an object with toJSON', { toJSON: () => ({ inner: { toJSON: () => 'inner' }, skip: undefined }) }],
  ['toJSON returning a Date', { toJSON: () => new Date(0) }],
  ['toJSON receiving its key', { field: { toJSON: (key: string) => `key:${key}` }, list: [{ toJSON: (key: string) => `key:${key}` }] }],
  ['a shared (not circular) reference', (() => { const shared = { s: 1 }; return { a: shared, b: shared, c: [shared, shared] }; })()],
  ['deep nesting', { a: { b: { c: { d: { e: [[[{ f: 'deep' }]]] } } } } }],
  ['negative zero', { z: -0, list: [-0] }],
  ['large numbers', { big: Number.MAX_SAFE_INTEGER, tiny: Number.MIN_VALUE, exp: 1e300 }],
  ['arguments-like array of mixed values', [1, 'two', { three: 3 }, [4], null, true]],
];

describe('jsonCopy', () => {
  it.each(inputs)('copies %s exactly as a JSON round trip does', (_name, input) => {
    const copy = jsonCopy(input);
    expect(copy).toStrictEqual(roundTrip(input));
  });

  it('turns -0 into 0 as the text round trip does', () => {
    expect(Object.is(jsonCopy(-0), 0)).toBe(true);
    expect(Object.is((jsonCopy({ z: -0 }) as { z: number }).z, 0)).toBe(true);
  });

  it('returns fresh objects: changing the copy never reaches the original', () => {
    const original = { list: [{ n: 1 }], nested: { n: 2 } };
    const copy = jsonCopy(original) as typeof original;
    copy.list[0].n = 99;
    copy.nested.n = 99;
    expect(original).toEqual({ list: [{ n: 1 }], nested: { n: 2 } });
    expect(copy.list).not.toBe(original.list);
  });

  it('keeps "__proto__" as an own property, as JSON.parse does, without touching the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = jsonCopy(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(copy).toStrictEqual(roundTrip(input));
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('gives the same key order as the round trip', () => {
    expect(Object.keys(jsonCopy(integerKeys) as object)).toEqual(Object.keys(roundTrip(integerKeys) as object));
  });

  it('refuses a circular structure with an invalid_argument APIError', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = { back: cyclic };
    expect(() => JSON.stringify(cyclic)).toThrow(TypeError);
    const error = catchError(() => jsonCopy(cyclic));
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: ErrCode.InvalidArgument, message: expect.stringContaining('circular') });
  });

  it('refuses a circular array', () => {
    const list: unknown[] = [];
    list.push(list);
    expect(catchError(() => jsonCopy(list))).toMatchObject({ code: ErrCode.InvalidArgument });
  });

  it('refuses BigInts, plain and boxed, with an invalid_argument APIError', () => {
    for (const input of [10n, { n: 10n }, [10n], { n: Object(10n) }, { toJSON: () => 10n }]) {
      expect(() => JSON.stringify(input)).toThrow(TypeError);
      expect(catchError(() => jsonCopy(input))).toMatchObject({ code: ErrCode.InvalidArgument, message: expect.stringContaining('BigInt') });
    }
  });

  it('recovers after a refusal: the next copy does not see stale ancestors', () => {
    const shared = { s: 1 };
    const cyclic: Record<string, unknown> = { shared };
    cyclic.self = cyclic;
    expect(() => jsonCopy(cyclic)).toThrow(APIError);
    expect(jsonCopy({ shared, again: shared })).toEqual({ shared: { s: 1 }, again: { s: 1 } });
  });

  it('lets a toJSON copy an ancestor of the value being copied without a false cycle', () => {
    const outer: Record<string, unknown> = { name: 'outer' };
    outer.child = { toJSON: () => jsonCopy({ name: outer.name }) };
    expect(jsonCopy(outer)).toEqual({ name: 'outer', child: { name: 'outer' } });
  });

  it(`copies ${MAX_JSON_DEPTH} levels of nesting, and refuses one more with invalid_argument, as a request body is refused`, () => {
    const nested = (levels: number) => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
      return value;
    };
    expect(jsonCopy(nested(MAX_JSON_DEPTH))).toEqual(nested(MAX_JSON_DEPTH));
    const error = catchError(() => jsonCopy(nested(3000)));
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: ErrCode.InvalidArgument, message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
    expect(catchError(() => jsonCopy(nested(MAX_JSON_DEPTH + 1)))).toBeInstanceOf(APIError);
    expect([jsonNestsDeeperThan(JSON.stringify(nested(MAX_JSON_DEPTH))), jsonNestsDeeperThan(JSON.stringify(nested(MAX_JSON_DEPTH + 1)))]).toEqual([false, true]);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: '['.repeat(1000) + '\\"{{{' }))).toBe(false);
  });

  it('passes errors thrown by a getter or toJSON through unchanged', () => {
    const failure = new Error('getter failed');
    const input = Object.defineProperty({}, 'bad', { get: () => { throw failure; }, enumerable: true });
    expect(catchError(() => jsonCopy(input))).toBe(failure);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
