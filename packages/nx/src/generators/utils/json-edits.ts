import { findNodeAtLocation, type JSONPath, type Node, parseTree } from 'jsonc-parser';
import { applyTextEdits, type TextEdit } from './text-edits';

/**
 * Small edits to a JSON (or JSONC) file's text that touch only what changes: the rest of the
 * file keeps its layout, comments and order, as its authors wrote it. Parsed with
 * `jsonc-parser`, the parser Nx and VS Code use.
 */

/**
 * Inserts `value` into the array at `path`, at `index` (default: the end), in the array's own
 * layout: `["a", "b"]` takes `, "c"`; an array written one element per line takes a line.
 *
 * @example
 * insertIntoJsonArray('{ "services": ["hello"] }', ['services'], 'yo'); // '{ "services": ["hello", "yo"] }'
 */
export function insertIntoJsonArray(text: string, path: JSONPath, value: unknown, index?: number): string {
  const array = nodeAt(text, path, 'array');
  const items = array.children ?? [];
  const rendered = JSON.stringify(value);
  if (items.length === 0) return applyTextEdits(text, [{ start: array.offset + 1, end: array.offset + array.length - 1, text: rendered }]);
  const at = Math.min(index ?? items.length, items.length);
  const multiline = text.slice(array.offset, items[0].offset).includes('\n') || items.some((item, i) => i > 0 && text.slice(items[i - 1].offset + items[i - 1].length, item.offset).includes('\n'));
  const indent = lineIndent(text, items[Math.max(0, at - 1)].offset);
  const separator = multiline ? `,\n${indent}` : ', ';
  if (at < items.length) {
    const next = items[at];
    return applyTextEdits(text, [{ start: next.offset, end: next.offset, text: `${rendered}${separator}` }]);
  }
  const last = items[items.length - 1];
  const end = last.offset + last.length;
  return applyTextEdits(text, [{ start: end, end, text: `${separator}${rendered}` }]);
}

/**
 * Replaces the value at `path` (a property or an array element that exists) with `value`,
 * leaving everything around it as it was.
 *
 * @example
 * replaceJsonValue('{ "paths": { "@a/b": ["x.ts"] } }', ['paths', '@a/b', 0], 'y.ts'); // '{ "paths": { "@a/b": ["y.ts"] } }'
 */
export function replaceJsonValue(text: string, path: JSONPath, value: unknown): string {
  const node = nodeAt(text, path);
  return applyTextEdits(text, [{ start: node.offset, end: node.offset + node.length, text: JSON.stringify(value) }]);
}

/** Removes the array element at `path` with its separator. */
export function removeJsonArrayElement(text: string, path: JSONPath): string {
  const element = nodeAt(text, path);
  const array = element.parent!;
  const items = array.children ?? [];
  const index = items.indexOf(element);
  const edit: TextEdit =
    items.length === 1
      ? { start: array.offset + 1, end: array.offset + array.length - 1, text: '' }
      : index < items.length - 1
        ? { start: element.offset, end: items[index + 1].offset, text: '' }
        : { start: items[index - 1].offset + items[index - 1].length, end: element.offset + element.length, text: '' };
  return applyTextEdits(text, [edit]);
}

function nodeAt(text: string, path: JSONPath, type?: Node['type']): Node {
  const root = parseTree(text);
  const node = root && findNodeAtLocation(root, path);
  if (!node || (type && node.type !== type)) throw new Error(`No ${type ?? 'value'} at ${JSON.stringify(path)} in the JSON text; this is a bug in the generator.`);
  return node;
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
