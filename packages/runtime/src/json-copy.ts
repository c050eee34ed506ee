import { APIError, ErrCode } from './errors';

/**
 * Objects being copied, outermost first, for cycle detection as `JSON.stringify` does it.
 * One module-level stack avoids an allocation per copy; `stackBase` marks where the current
 * top-level copy starts, so a copy started from inside a `toJSON` does not see the ancestors
 * of the copy that called it.
 */
const ancestors: object[] = [];
let stackBase = 0;

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
  const outerBase = stackBase;
  stackBase = ancestors.length;
  try {
    const copy = copyProperty(value, '');
    stackBase = outerBase;
    return copy;
  } catch (error) {
    ancestors.length = stackBase;
    stackBase = outerBase;
    throw error;
  }
}

/** SerializeJSONProperty: `toJSON` first (once), then boxed primitives, then by type. */
function copyProperty(value: unknown, key: string | number): unknown {
  if (typeof value === 'object' && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copyValue(toJSON.call(value, String(key)));
    return copyObjectOrArray(value);
  }
  return copyPrimitive(value);
}

/** The value a `toJSON` returned: no second `toJSON`, as in `JSON.stringify`. */
function copyValue(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) return copyObjectOrArray(value);
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

function copyObjectOrArray(value: object): unknown {
  if (Array.isArray(value)) return copyArray(value);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    if (value instanceof Number) return copyPrimitive(Number(value));
    if (value instanceof String) return String(value);
    if (value instanceof Boolean) return value.valueOf();
    if (value instanceof BigInt) throw bigIntError();
  }
  return copyObject(value as Record<string, unknown>);
}

function copyObject(value: Record<string, unknown>): Record<string, unknown> {
  enter(value);
  const copy: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const item = copyProperty(value[key], key);
    if (item === undefined) continue;
    // JSON.parse creates "__proto__" as an own property; plain assignment would set the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  ancestors.pop();
  return copy;
}

function copyArray(value: readonly unknown[]): unknown[] {
  enter(value);
  const length = value.length;
  const copy: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const item = copyProperty(value[i], i);
    copy.push(item === undefined ? null : item);
  }
  ancestors.pop();
  return copy;
}

function enter(value: object): void {
  for (let i = stackBase; i < ancestors.length; i++) {
    if (ancestors[i] === value) {
      throw new APIError(ErrCode.InvalidArgument, 'cannot copy a value with a circular reference: JSON cannot represent it');
    }
  }
  ancestors.push(value);
}

function bigIntError(): APIError {
  return new APIError(ErrCode.InvalidArgument, 'cannot copy a BigInt: JSON cannot represent it; convert it to a string or number first');
}
