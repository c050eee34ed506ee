/**
 * A YAML emitter for the plain data of compose files and Kubernetes manifests: maps, lists,
 * strings, numbers, booleans and null. A string is quoted (as JSON, which YAML reads) unless
 * it is plainly a word YAML would read back as the same string.
 */
export function toYaml(value: unknown): string {
  return `${lines(value, 0).join('\n')}\n`;
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./:-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  return PLAIN.test(text) && !RESERVED.test(text) && !text.includes(': ') ? text : JSON.stringify(text);
}

function isEmpty(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isMap(value) && Object.keys(value).length === 0);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lines(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      if ((isMap(item) || Array.isArray(item)) && !isEmpty(item)) {
        const nested = lines(item, indent + 2);
        return [`${pad}- ${nested[0].trimStart()}`, ...nested.slice(1)];
      }
      return [`${pad}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`];
    });
  }
  if (isMap(value)) {
    if (Object.keys(value).length === 0) return [`${pad}{}`];
    return Object.entries(value).flatMap(([key, item]) => {
      const name = scalar(key);
      if ((isMap(item) || Array.isArray(item)) && !isEmpty(item)) return [`${pad}${name}:`, ...lines(item, indent + 2)];
      return [`${pad}${name}: ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`];
    });
  }
  return [`${pad}${scalar(value)}`];
}
