import type { JsonSchema } from '@topo/runtime/contract';
import { exampleValue, isAny, schemaRows, typeLabel } from './schema';

const order: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'The order number.' },
    status: { enum: ['open', 'paid'], description: 'Where it stands.' },
    note: { type: ['string', 'null'] },
    customer: {
      type: 'object',
      properties: { name: { type: 'string' }, address: { type: 'object', properties: { city: { type: 'string', description: 'Where it goes.' } }, required: ['city'] } },
      required: ['name'],
      description: 'Who ordered.',
    },
    lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'number' } }, required: ['sku', 'qty'] } },
    tags: { type: 'array', items: { type: 'string' } },
    extra: { type: 'object', additionalProperties: { type: 'number' } },
    kind: { const: 'order' },
    payment: {
      anyOf: [
        { type: 'object', properties: { card: { type: 'string' } }, required: ['card'] },
        { type: 'object', properties: { iban: { type: 'string' } }, required: ['iban'] },
      ],
    },
    anything: {},
  },
  required: ['id', 'status', 'customer', 'lines', 'kind'],
  additionalProperties: false,
};

describe('typeLabel', () => {
  it.each<[JsonSchema, string]>([
    [{ type: 'string' }, 'string'],
    [{ type: ['string', 'null'] }, 'string | null'],
    [{ type: 'array', items: { type: 'number' } }, 'number[]'],
    [{ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } }, '(string | number)[]'],
    [{ enum: ['a', 'b'] }, '"a" | "b"'],
    [{ const: 3 }, '3'],
    [{ type: 'object', additionalProperties: { type: 'boolean' } }, 'Record<string, boolean>'],
    [{ type: 'object', properties: {} }, 'object'],
    [{}, 'any'],
  ])('%j reads %s', (schema, label) => expect(typeLabel(schema)).toBe(label));
});

describe('schemaRows', () => {
  it('flattens an object into rows: nested objects, array items, maps and variants indented under their field', () => {
    const rows = schemaRows(order).map((row) => [row.depth, `${row.parent}${row.name}`, row.type, row.required, row.description]);
    expect(rows).toEqual([
      [0, 'id', 'integer', true, 'The order number.'],
      [0, 'status', '"open" | "paid"', true, 'Where it stands.'],
      [0, 'note', 'string | null', false, undefined],
      [0, 'customer', 'object', true, 'Who ordered.'],
      [1, 'customer.name', 'string', true, undefined],
      [1, 'customer.address', 'object', false, undefined],
      [2, 'customer.address.city', 'string', true, 'Where it goes.'],
      [0, 'lines', 'object[]', true, undefined],
      [1, 'lines[].sku', 'string', true, undefined],
      [1, 'lines[].qty', 'number', true, undefined],
      [0, 'tags', 'string[]', false, undefined],
      [0, 'extra', 'Record<string, number>', false, undefined],
      [1, 'extra.[key: string]', 'number', false, undefined],
      [0, 'kind', '"order"', true, undefined],
      [0, 'payment', 'object', false, undefined],
      [1, 'payment variant 1', 'object', undefined, undefined],
      [2, 'payment(1).card', 'string', true, undefined],
      [1, 'payment variant 2', 'object', undefined, undefined],
      [2, 'payment(2).iban', 'string', true, undefined],
      [0, 'anything', 'any', false, undefined],
    ]);
  });

  it('shows a body that is not an object as one row, and nothing for any', () => {
    expect(schemaRows({ type: 'array', items: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, description: 'All of them.' })).toEqual([
      { depth: 0, parent: '', name: '(body)', type: 'object[]', description: 'All of them.' },
      { depth: 1, parent: '[].', name: 'id', type: 'string', required: true },
    ]);
    expect(schemaRows({})).toEqual([]);
    expect(isAny({})).toBe(true);
    expect(isAny({ description: 'whatever' })).toBe(true);
    expect(isAny({ type: 'object', properties: {} })).toBe(false);
  });
});

describe('exampleValue', () => {
  it('fills every field with a value of its type', () => {
    expect(exampleValue(order)).toEqual({
      id: 0,
      status: 'open',
      note: '',
      customer: { name: '', address: { city: '' } },
      lines: [],
      tags: [],
      extra: {},
      kind: 'order',
      payment: { card: '' },
      anything: null,
    });
  });
});
