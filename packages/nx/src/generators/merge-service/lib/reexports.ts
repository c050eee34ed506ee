import type * as TS from 'typescript';
import { readModuleSyntax, typescript } from '../../../analysis';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';
import { compareNames, isSorted } from './import-order';

/** What a module's re-exports are checked against. */
export interface ReexportContext {
  /** The workspace file a specifier of the module names, if any. */
  resolve(specifier: string): string | undefined;
  /** The remaining service's endpoints declared in a module, by export name. */
  endpointsIn(file: string): readonly string[];
  /** The merged service's endpoints that join a module, by export name. */
  joining(file: string): readonly string[];
}

/**
 * The remaining service's re-exports of its endpoints by name (`export { createDraft } from
 * './endpoints/write'`, an index the client types itself from) take the merged service's
 * endpoints that join that module: the split took them out of such a list when it moved
 * them. Only a list of endpoints alone takes them, in order when it is in order.
 *
 * @example
 * joinReexports('apps/notebook/services/notes/index.ts', text, context); // export { createDraft, tagNote } from './endpoints/write';
 */
export function joinReexports(file: string, text: string, context: ReexportContext): string {
  const ts = typescript();
  const module = readModuleSyntax(file, text);
  const sourceFile = module.sourceFile;
  const edits: TextEdit[] = [];
  for (const statement of sourceFile.statements) {
    if (!ts.isExportDeclaration(statement) || statement.isTypeOnly || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.exportClause;
    if (!clause || !ts.isNamedExports(clause) || clause.elements.length === 0) continue;
    const target = context.resolve(statement.moduleSpecifier.text);
    if (target === undefined) continue;
    const endpoints = context.endpointsIn(target);
    const elements = clause.elements;
    const plain = elements.every((element) => !element.isTypeOnly && !element.propertyName && endpoints.includes(element.name.text));
    const listed = new Set(elements.map((element) => element.name.text));
    const added = context.joining(target).filter((name) => !listed.has(name));
    if (!plain || added.length === 0) continue;
    edits.push(listEdit(sourceFile, elements, added));
  }
  return edits.length ? applyTextEdits(text, edits) : text;
}

/** Names joining a list `{ a, b }`: in order when it is, else after it. */
function listEdit(sourceFile: TS.SourceFile, elements: TS.NodeArray<TS.ExportSpecifier>, added: readonly string[]): TextEdit {
  const names = elements.map((element) => element.name.text);
  if (isSorted(names, compareNames) && isSorted(added, compareNames)) {
    const all = [...names, ...added].sort(compareNames);
    return { start: elements[0].getStart(sourceFile), end: elements[elements.length - 1].end, text: all.join(', ') };
  }
  const end = elements[elements.length - 1].end;
  return { start: end, end, text: added.map((name) => `, ${name}`).join('') };
}

/**
 * Whether the module `barrel` (a workspace path without extension: `.../notes` for its
 * index) re-exports `name` of the module `from`, with `export * from` or by the same name.
 *
 * @example
 * reexportsName(read, resolve, 'apps/notebook/services/notes', 'apps/notebook/services/notes/endpoints/search', 'notesByTag'); // true
 */
export function reexportsName(
  read: (file: string) => string | undefined,
  resolve: (fromFile: string, specifier: string) => string | undefined,
  barrel: string,
  from: string,
  name: string,
): boolean {
  const ts = typescript();
  const file = [`${barrel}.ts`, `${barrel}.tsx`, `${barrel}/index.ts`, `${barrel}/index.tsx`].find((candidate) => read(candidate) !== undefined);
  if (file === undefined) return false;
  const keyOf = (path: string) => path.replace(/\.[cm]?tsx?$/, '').replace(/\/index$/, '');
  for (const statement of readModuleSyntax(file, read(file)!).sourceFile.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const target = resolve(file, statement.moduleSpecifier.text);
    if (target === undefined || keyOf(target) !== keyOf(from)) continue;
    const clause = statement.exportClause;
    if (!clause) return true;
    if (ts.isNamedExports(clause) && clause.elements.some((element) => element.name.text === name && (element.propertyName ?? element.name).text === name)) return true;
  }
  return false;
}
