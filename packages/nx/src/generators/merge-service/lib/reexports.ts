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
