import type { JsonSchema, JsonType } from './contract';
import { APIError, ErrCode } from './errors';

export type { JsonSchema, JsonType };

/** Why a value does not fit its schema; the path is filled in on the way out. */
export class Invalid {
  constructor(
    public path: string,
    readonly problem: string,
  ) {}

  /** Prefixes the field this value sits in: `name`, `address.zip`, `tags[2]`. */
  at(segment: string | number): Invalid {
    const prefix = typeof segment === 'number' ? `[${segment}]` : segment;
    this.path = this.path === '' ? prefix : this.path.startsWith('[') ? prefix + this.path : `${prefix}.${this.path}`;
    return this;
  }

  get message(): string {
    return `${this.path === '' ? 'request' : this.path}: ${this.problem}`;
  }

  toAPIError(): APIError {
    return new APIError(ErrCode.InvalidArgument, this.message);
  }
}

/**
 * A compiled check: returns the value (coerced where the source only carries strings) or an
 * `Invalid`. It may coerce fields of the object it is given in place: callers pass values
 * they own (a freshly parsed body, a copy).
 */
export type Check = (value: unknown) => unknown;

/**
 * Where the fields of a request come from. JSON keeps its types, so `strict`. The query string
 * and path parameters carry only strings, so their fields are coerced to what the schema
 * says (`'all'` top-level fields for a query request, or the named path parameters of a body
 * request).
 */
export type StringFields = 'none' | 'all' | ReadonlySet<string>;

/**
 * Compiles a request schema once, at start, into a check made of closures, so a request costs
 * no interpretation of the schema.
 *
 * @example
 * ```ts
 * const check = compileRequestCheck({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }, 'all');
 * check({ n: '42' }); // { n: 42 }
 * ```
 */
export function compileRequestCheck(schema: JsonSchema, stringFields: StringFields): Check {
  if (stringFields === 'none') return compile(schema, false);
  if (stringFields === 'all') return compile(schema, true);
  return compile(schema, false, stringFields);
}

/** Runs a compiled check; throws the `APIError` a client sees when the value does not fit. */
export function validateOrThrow(check: Check, value: unknown): unknown {
  const result = check(value);
  if (result instanceof Invalid) throw result.toAPIError();
  return result;
}

/**
 * Every request is a JSON object (or nothing, which counts as `{}`): the fields of its
 * path, query and body. Returns why not, or undefined.
 */
export function checkRequestObject(value: unknown): Invalid | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : mistyped('object', value);
}

function compile(schema: JsonSchema, fromStrings: boolean, stringFields?: ReadonlySet<string>): Check {
  if (typeof schema !== 'object' || schema === null) return acceptAnything;
  if (Array.isArray(schema.anyOf)) return compileAnyOf(schema.anyOf, fromStrings);
  if ('const' in schema) return compileEnum([schema.const], fromStrings, describeSchema(schema));
  if (Array.isArray(schema.enum)) return compileEnum(schema.enum, fromStrings, describeSchema(schema));
  if (Array.isArray(schema.type)) return compileAnyOf(schema.type.map((type) => ({ ...schema, type })), fromStrings);
  switch (schema.type) {
    case 'object':
      return compileObject(schema, fromStrings, stringFields);
    case 'array':
      return compileArray(schema, fromStrings);
    case 'string':
      return checkString;
    case 'number':
      return fromStrings ? checkNumberFromString : checkNumber;
    case 'integer':
      return fromStrings ? checkIntegerFromString : checkInteger;
    case 'boolean':
      return fromStrings ? checkBooleanFromString : checkBoolean;
    case 'null':
      return fromStrings ? checkNullFromString : checkNull;
    default:
      return acceptAnything;
  }
}

function acceptAnything(value: unknown): unknown {
  return value;
}

function checkString(value: unknown): unknown {
  return typeof value === 'string' ? value : mistyped('string', value);
}

function checkNumber(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? value : mistyped('number', value);
}

function checkInteger(value: unknown): unknown {
  return Number.isInteger(value) ? value : mistyped('integer', value);
}

function checkBoolean(value: unknown): unknown {
  return typeof value === 'boolean' ? value : mistyped('boolean', value);
}

function checkNull(value: unknown): unknown {
  return value === null ? value : mistyped('null', value);
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function checkNumberFromString(value: unknown): unknown {
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return checkNumber(value);
}

function checkIntegerFromString(value: unknown): unknown {
  if (typeof value === 'string' && NUMERIC.test(value) && Number.isInteger(Number(value))) return Number(value);
  return checkInteger(value);
}

function checkBooleanFromString(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return checkBoolean(value);
}

function checkNullFromString(value: unknown): unknown {
  return value === 'null' || value === '' ? null : checkNull(value);
}

interface CompiledProperty {
  key: string;
  check: Check;
  required: boolean;
  /** What the field should be, for the message when it is missing. */
  expected: string;
  /** Names like `toString` resolve through the prototype of a plain object when absent. */
  inherited: boolean;
}

function compileObject(schema: JsonSchema, fromStrings: boolean, stringFields?: ReadonlySet<string>): Check {
  const required = new Set(schema.required ?? []);
  const properties = schema.properties ?? {};
  const known = new Set(Object.keys(properties));
  const compiled: CompiledProperty[] = Object.keys(properties).map((key) => ({
    key,
    check: compile(properties[key], fromStrings || (stringFields?.has(key) ?? false)),
    required: required.has(key),
    expected: describeSchema(properties[key]),
    inherited: key in Object.prototype,
  }));
  // Required fields without a schema of their own still have to be present.
  for (const key of required) {
    if (!known.has(key)) compiled.push({ key, check: acceptAnything, required: true, expected: 'any value', inherited: key in Object.prototype });
  }
  const extra = compileAdditional(schema.additionalProperties, fromStrings, known);

  return function checkObject(value: unknown): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return mistyped('object', value);
    const record = value as Record<string, unknown>;
    for (let i = 0; i < compiled.length; i++) {
      const property = compiled[i];
      const field = property.inherited && !Object.hasOwn(record, property.key) ? undefined : record[property.key];
      if (field === undefined) {
        if (property.required) return mistyped(property.expected, undefined).at(property.key);
        continue;
      }
      const checked = property.check(field);
      if (checked !== field) {
        if (checked instanceof Invalid) return checked.at(property.key);
        record[property.key] = checked;
      }
    }
    return extra === null ? record : extra(record);
  };
}

/** `additionalProperties`: absent or `true` allows anything, `false` refuses, a schema checks. */
function compileAdditional(
  additional: JsonSchema['additionalProperties'],
  fromStrings: boolean,
  known: ReadonlySet<string>,
): ((record: Record<string, unknown>) => unknown) | null {
  if (additional === undefined || additional === true) return null;
  if (additional === false) {
    const allowed = [...known].join(', ') || 'none';
    return function refuseUnknownFields(record) {
      for (const key of Object.keys(record)) {
        if (!known.has(key)) return new Invalid(key, `unknown field (allowed: ${allowed})`);
      }
      return record;
    };
  }
  const check = compile(additional, fromStrings);
  return function checkAdditionalFields(record) {
    for (const key of Object.keys(record)) {
      if (known.has(key)) continue;
      const field = record[key];
      const checked = check(field);
      if (checked !== field) {
        if (checked instanceof Invalid) return checked.at(key);
        record[key] = checked;
      }
    }
    return record;
  };
}

function compileArray(schema: JsonSchema, fromStrings: boolean): Check {
  const items = schema.items === undefined ? acceptAnything : compile(schema.items, fromStrings);
  return function checkArray(value: unknown): unknown {
    // A query string repeats a key for an array; a single occurrence arrives as a string.
    if (fromStrings && typeof value === 'string') value = [value];
    if (!Array.isArray(value)) return mistyped('array', value);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const checked = items(item);
      if (checked !== item) {
        if (checked instanceof Invalid) return checked.at(i);
        value[i] = checked;
      }
    }
    return value;
  };
}

function compileEnum(members: readonly unknown[], fromStrings: boolean, expected: string): Check {
  const keys = members.map((member) => (typeof member === 'object' && member !== null ? JSON.stringify(member) : member));
  return function checkEnum(value: unknown): unknown {
    const key = typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
    const index = keys.indexOf(key);
    if (index >= 0) return value;
    if (fromStrings && typeof value === 'string') {
      // "3" from a query string stands for the member 3 (or true, or null).
      const member = members.find((candidate) => typeof candidate !== 'string' && String(candidate) === value);
      if (member !== undefined) return member;
    }
    return mistyped(expected, value);
  };
}

function compileAnyOf(schemas: readonly JsonSchema[], fromStrings: boolean): Check {
  const checks = schemas.map((schema) => compile(schema, fromStrings));
  const expected = schemas.map(describeSchema).join(' or ');
  return function checkAnyOf(value: unknown): unknown {
    // A branch that failed inside the value (a field of the right kind of object) says more
    // than "expected A or B".
    let deepest: Invalid | undefined;
    for (let i = 0; i < checks.length; i++) {
      // Coercion writes into the value; each branch coerces a copy of its own, so that a
      // branch that fails halfway (`number[]` on ['1', 'a']) leaves the next one the strings.
      const checked = checks[i](fromStrings && i < checks.length - 1 ? copyOfStrings(value) : value);
      if (!(checked instanceof Invalid)) return checked;
      if (deepest === undefined && checked.path !== '') deepest = checked;
    }
    return deepest ?? mistyped(expected, value);
  };
}

/** A copy of what a query string or path parameters give (strings, in arrays and objects), deep enough for coercion to write into. */
function copyOfStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOfStrings);
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = copyOfStrings((value as Record<string, unknown>)[key]);
    return copy;
  }
  return value;
}

function describeSchema(schema: JsonSchema): string {
  if (typeof schema !== 'object' || schema === null) return 'any value';
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map(describeSchema).join(' or ');
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((member) => JSON.stringify(member)).join(', ')}`;
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  return schema.type ?? 'any value';
}

function mistyped(expected: string, value: unknown): Invalid {
  return new Invalid('', `expected ${expected}, got ${formatValue(value)}`);
}

/** A short, safe rendering of what arrived: `"abc"`, `42`, `array`, `object`, `nothing`. */
function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return typeof value;
  }
}
