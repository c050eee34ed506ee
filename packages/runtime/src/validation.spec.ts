import { APIError, ErrCode } from './errors';
import { compileRequestCheck, Invalid, validateOrThrow, type JsonSchema } from './validation';

const user: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer' },
    score: { type: 'number' },
    admin: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    ids: { type: 'array', items: { type: 'integer' } },
    role: { enum: ['user', 'admin'] },
    level: { enum: [1, 2, 3] },
    address: { type: 'object', properties: { zip: { type: 'string' } }, required: ['zip'] },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    kind: { const: 'person' },
    anything: {},
  },
  required: ['name'],
};

function messageOf(schema: JsonSchema, value: unknown, fields: 'none' | 'all' | Set<string> = 'none'): string {
  const result = compileRequestCheck(schema, fields)(value);
  if (!(result instanceof Invalid)) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.message;
}

describe('strict checks (JSON requests)', () => {
  const check = compileRequestCheck(user, 'none');

  it('accepts a request that fits, unchanged', () => {
    const request = {
      name: 'ada',
      age: 36,
      score: 9.5,
      admin: false,
      tags: ['a'],
      ids: [1, 2],
      role: 'admin',
      level: 2,
      address: { zip: '1000' },
      note: null,
      kind: 'person',
      anything: { nested: [1] },
      extra: 'allowed by default',
    };
    expect(check(request)).toBe(request);
    expect(request.age).toBe(36);
  });

  it('names the field, the expected type and what arrived', () => {
    expect(messageOf(user, { name: 'x', age: 'abc' })).toBe('age: expected integer, got "abc"');
    expect(messageOf(user, { name: 'x', age: 1.5 })).toBe('age: expected integer, got 1.5');
    expect(messageOf(user, { name: 'x', score: '1' })).toBe('score: expected number, got "1"');
    expect(messageOf(user, { name: 'x', admin: 'true' })).toBe('admin: expected boolean, got "true"');
    expect(messageOf(user, { name: 42 })).toBe('name: expected string, got 42');
  });

  it('reports a missing required field', () => {
    expect(messageOf(user, {})).toBe('name: expected string, got nothing');
  });

  it('reports nested paths for objects and arrays', () => {
    expect(messageOf(user, { name: 'x', address: {} })).toBe('address.zip: expected string, got nothing');
    expect(messageOf(user, { name: 'x', tags: ['a', 7] })).toBe('tags[1]: expected string, got 7');
    expect(messageOf(user, { name: 'x', address: 'here' })).toBe('address: expected object, got "here"');
    expect(messageOf(user, { name: 'x', tags: 'a' })).toBe('tags: expected array, got "a"');
  });

  it('checks enums, consts and anyOf', () => {
    expect(messageOf(user, { name: 'x', role: 'root' })).toBe('role: expected one of "user", "admin", got "root"');
    expect(messageOf(user, { name: 'x', kind: 'robot' })).toBe('kind: expected "person", got "robot"');
    expect(messageOf(user, { name: 'x', note: 5 })).toBe('note: expected string or null, got 5');
    expect(messageOf(user, { name: 'x', level: '2' })).toBe('level: expected one of 1, 2, 3, got "2"');
  });

  it('reports the request itself when it is not an object', () => {
    expect(messageOf(user, ['a'])).toBe('request: expected object, got array');
    expect(messageOf(user, null)).toBe('request: expected object, got null');
  });

  it('does not treat names inherited from Object.prototype as present', () => {
    // A property named like an Object.prototype member loses its contextual type: annotate it.
    const text: JsonSchema = { type: 'string' };
    const schema: JsonSchema = { type: 'object', properties: { toString: text }, required: ['toString'] };
    expect(messageOf(schema, {})).toBe('toString: expected string, got nothing');
    expect(compileRequestCheck(schema, 'none')({ toString: 'fine' })).toEqual({ toString: 'fine' });
  });

  it('refuses unknown fields when additionalProperties is false, and checks them against a schema', () => {
    const closed: JsonSchema = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
    expect(messageOf(closed, { a: 'x', b: 1 })).toBe('b: unknown field (allowed: a)');
    const typed: JsonSchema = { type: 'object', properties: {}, additionalProperties: { type: 'number' } };
    expect(messageOf(typed, { a: 1, b: 'x' })).toBe('b: expected number, got "x"');
  });

  it('coerces query strings for each anyOf branch apart: a branch that fails halfway leaves the next the strings', () => {
    const schema: JsonSchema = { type: 'object', properties: { x: { anyOf: [{ type: 'array', items: { type: 'number' } }, { type: 'array', items: { type: 'string' } }] } } };
    expect(compileRequestCheck(schema, 'all')({ x: ['1', 'a'] })).toEqual({ x: ['1', 'a'] });
    expect(compileRequestCheck(schema, 'all')({ x: ['1', '2'] })).toEqual({ x: [1, 2] });
  });

  it('prefers the deeper explanation of an anyOf branch of the right kind', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { pet: { anyOf: [{ type: 'object', properties: { legs: { type: 'integer' } }, required: ['legs'] }, { type: 'string' }] } },
    };
    expect(messageOf(schema, { pet: { legs: 'four' } })).toBe('pet.legs: expected integer, got "four"');
  });

  it('accepts anything for {} and for a missing schema keyword', () => {
    const check = compileRequestCheck({}, 'none');
    for (const value of [1, 'x', null, [1], { a: 1 }]) expect(check(value)).toBe(value);
  });

  it('supports a list of types', () => {
    const schema: JsonSchema = { type: 'object', properties: { v: { type: ['string', 'integer'] } } };
    expect(compileRequestCheck(schema, 'none')({ v: 3 })).toEqual({ v: 3 });
    expect(messageOf(schema, { v: true })).toBe('v: expected string or integer, got true');
  });
});

describe('string-sourced checks (query strings and path parameters)', () => {
  it('coerces every field of a query request to what the schema says', () => {
    const check = compileRequestCheck(user, 'all');
    const request = { name: 'ada', age: '36', score: '-1.5e2', admin: 'true', tags: 'one', ids: ['1', '2'], level: '3', note: 'null' };
    expect(check(request)).toEqual({ name: 'ada', age: 36, score: -150, admin: true, tags: ['one'], ids: [1, 2], level: 3, note: 'null' });
  });

  it('refuses strings that are not what the schema says, naming them', () => {
    expect(messageOf(user, { name: 'x', age: 'abc' }, 'all')).toBe('age: expected integer, got "abc"');
    expect(messageOf(user, { name: 'x', age: '1.5' }, 'all')).toBe('age: expected integer, got "1.5"');
    expect(messageOf(user, { name: 'x', score: '' }, 'all')).toBe('score: expected number, got ""');
    expect(messageOf(user, { name: 'x', score: '0x10' }, 'all')).toBe('score: expected number, got "0x10"');
    expect(messageOf(user, { name: 'x', admin: 'yes' }, 'all')).toBe('admin: expected boolean, got "yes"');
    expect(messageOf(user, { name: 'x', ids: ['1', 'b'] }, 'all')).toBe('ids[1]: expected integer, got "b"');
    expect(messageOf(user, { name: 'x', age: ['1', '2'] }, 'all')).toBe('age: expected integer, got array');
  });

  it('coerces only the named path parameters of a body request', () => {
    const schema: JsonSchema = { type: 'object', properties: { id: { type: 'integer' }, count: { type: 'integer' } }, required: ['id'] };
    const check = compileRequestCheck(schema, new Set(['id']));
    expect(check({ id: '7', count: 2 })).toEqual({ id: 7, count: 2 });
    expect(messageOf(schema, { id: '7', count: '2' }, new Set(['id']))).toBe('count: expected integer, got "2"');
  });
});

describe('validateOrThrow', () => {
  it('throws the invalid_argument APIError a client sees', () => {
    const check = compileRequestCheck(user, 'none');
    let caught: unknown;
    try {
      validateOrThrow(check, { name: 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(APIError);
    expect(caught).toMatchObject({ code: ErrCode.InvalidArgument, message: 'name: expected string, got 1' });
  });
});
