import { APIError, ErrCode } from './errors';

/**
 * Cycle detection, as `JSON.stringify` refuses cycles. Shallow values are the common case and
 * must stay cheap, so nothing is tracked for the first levels: only below TRACK_FROM_DEPTH is
 * each object remembered, in a linked list of ancestors made of young objects (storing into a
 * long-lived stack would cost a GC write barrier per object). A cycle has no bottom, so it
 * always reaches the tracked levels and repeats there.
 */
const TRACK_FROM_DEPTH = 32;

/**
 * How deep JSON may nest (objects and arrays) in a request, a response or a value that crosses
 * a service boundary: deeper is an `invalid_argument` (400) in every topology, rather than a
 * stack that overflows in one process and not in another.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Whether JSON text nests objects and arrays deeper than `max`: one pass over the text,
 * brackets inside strings aside. Text shorter than `max` cannot, and is not read.
 *
 * @example
 * ```ts
 * jsonNestsDeeperThan('[[[1]]]', 2); // true
 * jsonNestsDeeperThan('{"a":"[[["}', 1); // false
 * ```
 */
export function jsonNestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/** The error of a value nested deeper than MAX_JSON_DEPTH, the same wherever it is found. */
export function tooDeepError(): APIError {
  return new APIError(ErrCode.InvalidArgument, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
}

const hasOwn = Object.prototype.hasOwnProperty;

interface Ancestors {
  readonly value: object;
  readonly parent: Ancestors | null;
}

/**
 * Copies a value exactly as `JSON.parse(JSON.stringify(value))` would, without building the
 * string: `undefined`, functions and symbols are dropped from objects and become `null` in
 * arrays, `toJSON` is honoured (a `Date` becomes its ISO string), `NaN` and `Infinity`
 * become `null`, `-0` becomes `0`. A top-level value JSON cannot represent gives
 * `undefined`. Circular structures and BigInts throw an `APIError` `invalid_argument`.
 *
 * This is how arguments and results cross a service boundary in-process, so both topologies
 * see the same data.
 *
 * @example
 * ```ts
 * jsonCopy({ at: new Date(0), skip: undefined, n: NaN }); // { at: '1970-01-01T00:00:00.000Z', n: null }
 * ```
 */
export function jsonCopy(value: unknown): unknown {
  return copyProperty(value, '', 0, null);
}

/** SerializeJSONProperty: `toJSON` first (once), then boxed primitives, then by type. */
function copyProperty(value: unknown, key: string | number, depth: number, ancestors: Ancestors | null): unknown {
  if (typeof value === 'object' && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copyValue(toJSON.call(value, String(key)), depth, ancestors);
    return copyObjectOrArray(value, depth, ancestors);
  }
  return copyPrimitive(value);
}

/** The value a `toJSON` returned: no second `toJSON`, as in `JSON.stringify`. */
function copyValue(value: unknown, depth: number, ancestors: Ancestors | null): unknown {
  if (typeof value === 'object' && value !== null) return copyObjectOrArray(value, depth, ancestors);
  return copyPrimitive(value);
}

function copyPrimitive(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // `+ 0` turns -0 into 0, as the round trip through text does.
      return Number.isFinite(value) ? value + 0 : null;
    case 'bigint':
      throw bigIntError();
    default:
      // undefined, functions and symbols: the caller drops or nulls them.
      return value === null ? null : undefined;
  }
}

function copyObjectOrArray(value: object, depth: number, ancestors: Ancestors | null): unknown {
  if (Array.isArray(value)) return copyArray(value, depth, ancestors);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    if (value instanceof Number) return copyPrimitive(Number(value));
    if (value instanceof String) return String(value);
    if (value instanceof Boolean) return value.valueOf();
    if (value instanceof BigInt) throw bigIntError();
  }
  return copyObject(value as Record<string, unknown>, depth, ancestors);
}

function copyObject(value: Record<string, unknown>, depth: number, ancestors: Ancestors | null): Record<string, unknown> {
  if (depth >= TRACK_FROM_DEPTH) ancestors = track(value, depth, ancestors);
  const copy: Record<string, unknown> = {};
  // for-in over own keys visits them in Object.keys order, without allocating the key array:
  // several times faster on the small objects that requests and results usually are.
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    const field = value[key];
    // Strings are the most common field and copy as themselves: no call for them.
    const item = typeof field === 'string' ? field : copyProperty(field, key, depth + 1, ancestors);
    if (item === undefined) continue;
    // JSON.parse creates "__proto__" as an own property; plain assignment would set the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy;
}

function copyArray(value: readonly unknown[], depth: number, ancestors: Ancestors | null): unknown[] {
  if (depth >= TRACK_FROM_DEPTH) ancestors = track(value, depth, ancestors);
  const length = value.length;
  const copy: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const item = copyProperty(value[i], i, depth + 1, ancestors);
    copy.push(item === undefined ? null : item);
  }
  return copy;
}

function track(value: object, depth: number, ancestors: Ancestors | null): Ancestors {
  if (depth >= MAX_JSON_DEPTH) throw tooDeepError();
  for (let ancestor = ancestors; ancestor !== null; ancestor = ancestor.parent) {
    if (ancestor.value === value) {
      throw new APIError(ErrCode.InvalidArgument, 'cannot copy a value with a circular reference: JSON cannot represent it');
    }
  }
  return { value, parent: ancestors };
}

function bigIntError(): APIError {
  return new APIError(ErrCode.InvalidArgument, 'cannot copy a BigInt: JSON cannot represent it; convert it to a string or number first');
}
