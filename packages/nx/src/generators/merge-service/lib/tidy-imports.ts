import { type ImportSyntax, readModuleSyntax } from '../../../analysis';
import { importDeclarationText, type ImportedName, removeStatement } from '../../utils/import-edits';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';
import { compareNames, compareSpecifiers, isSorted } from './import-order';

/** The imports of the modules a module was made of, before the merge. */
export interface ImportsBefore {
  /** Each import declaration, as written. */
  readonly texts: ReadonlySet<string>;
  /** Each specifier, as written. */
  readonly specifiers: ReadonlySet<string>;
  /** Each list of names, in its order (two names or more). */
  readonly lists: readonly (readonly string[])[];
}

/**
 * What a module's imports were before the merge, read from the texts it is made of (the
 * module itself, or the modules the merge joins at its place).
 *
 * @example
 * importsBefore([['apps/api/services/hello/hello.ts', text]]).specifiers; // Set { '@topo/runtime', './greetings' }
 */
export function importsBefore(modules: readonly (readonly [string, string])[]): ImportsBefore {
  const texts = new Set<string>();
  const specifiers = new Set<string>();
  const lists: string[][] = [];
  for (const [file, text] of modules) {
    const module = readModuleSyntax(file, text);
    for (const statement of module.imports) {
      texts.add(statement.node.getText(module.sourceFile));
      specifiers.add(statement.specifier);
      const names = namedLocals(statement);
      if (names.length > 1) lists.push(names);
    }
  }
  return { texts, specifiers, lists };
}

/**
 * A module's imports after the merge rewrote some, put where the module's style puts them:
 *
 * - an import the merge rewrote joins the module's own import of the same module (the split
 *   divides an import whose names go to two modules; merged, they are one module), where the
 *   module's own was; their names in order when both lists were;
 * - when the module's own imports (those whose specifier it had before) are in order
 *   (packages first, then relative paths, each by specifier), an import the merge respelled
 *   or wrote goes to its place in that order, not where the split left it;
 * - a list of names the merge wrote is in order when the module's lists were.
 *
 * @example
 * tidyImports('apps/api/services/hello/hello.ts', text, importsBefore([[file, textBefore]]));
 */
export function tidyImports(file: string, text: string, before: ImportsBefore): string {
  return orderImports(file, joinImports(file, text, before), before);
}

function joinImports(file: string, text: string, before: ImportsBefore): string {
  const module = readModuleSyntax(file, text);
  const sourceFile = module.sourceFile;
  const untouched = (statement: ImportSyntax) => before.texts.has(statement.node.getText(sourceFile));
  const edits: TextEdit[] = [];
  const done = new Set<ImportSyntax>();
  for (const statement of module.imports) {
    if (done.has(statement) || !joinable(statement)) continue;
    const group = [statement, ...module.imports.filter((other) => other !== statement && !done.has(other) && joinable(other) && other.specifier === statement.specifier)];
    // The module's own import takes the merge's: two imports the merge wrote stay as written.
    if (group.length < 2 || group.every(untouched) || !group.some(untouched)) continue;
    if (group.filter((member) => member.bindings.some((b) => b.imported === 'default')).length > 1) continue;
    const host = group.find(untouched) ?? group[0];
    const bindings: ImportedName[] = [];
    for (const member of [host, ...group.filter((s) => s !== host)]) {
      for (const binding of member.bindings) if (!bindings.some((b) => b.local === binding.local)) bindings.push(binding);
    }
    const ordered = group.every((member) => isSorted(namedLocals(member), compareNames)) ? sortNames(bindings) : bindings;
    edits.push({ start: host.node.getStart(sourceFile), end: host.node.end, text: importDeclarationText(ordered, host.node.moduleSpecifier.getText(sourceFile)) });
    for (const other of group) if (other !== host) edits.push(removeStatement(text, other, sourceFile));
    for (const member of group) done.add(member);
  }
  // A list of names the merge wrote follows the module's order of names, when it keeps one.
  const listsInOrder = before.lists.length > 0 && before.lists.every((names) => isSorted(names, compareNames));
  if (listsInOrder) {
    const known = new Set(before.lists.map((names) => names.join(',')));
    for (const statement of module.imports) {
      if (done.has(statement) || !joinable(statement)) continue;
      const names = namedLocals(statement);
      if (names.length < 2 || isSorted(names, compareNames) || known.has(names.join(','))) continue;
      edits.push({
        start: statement.node.getStart(sourceFile),
        end: statement.node.end,
        text: importDeclarationText(sortNames(statement.bindings), statement.node.moduleSpecifier.getText(sourceFile)),
      });
    }
  }
  return edits.length ? applyTextEdits(text, edits) : text;
}

function orderImports(file: string, text: string, before: ImportsBefore): string {
  const module = readModuleSyntax(file, text);
  const { imports, sourceFile } = module;
  if (imports.length < 2) return text;
  // Only a plain block: imports one per line, no comment or blank line between them, no import for its side effects.
  if (sourceFile.statements.slice(0, imports.length).some((statement, i) => statement !== imports[i].node)) return text;
  if (imports.some((statement) => statement.bindings.length === 0)) return text;
  for (let i = 1; i < imports.length; i++) {
    const gap = text.slice(imports[i - 1].node.end, imports[i].node.getStart(sourceFile));
    if (gap.trim() !== '' || gap.split('\n').length !== 2) return text;
  }
  const own = imports.filter((statement) => before.specifiers.has(statement.specifier));
  if (own.length === 0 || own.length === imports.length || !isSorted(own.map((s) => s.specifier), compareSpecifiers)) return text;
  // The module's own imports keep their order (a stable sort); the merge's go to their place.
  const ordered = [...imports].sort((a, b) => compareSpecifiers(a.specifier, b.specifier));
  if (ordered.every((statement, i) => statement === imports[i])) return text;
  const start = imports[0].node.getStart(sourceFile);
  const end = imports.at(-1)!.node.end;
  return applyTextEdits(text, [{ start, end, text: ordered.map((statement) => statement.node.getText(sourceFile)).join('\n') }]);
}

/** Whether a declaration's names can join another's: no namespace import. */
function joinable(statement: ImportSyntax): boolean {
  return statement.bindings.length > 0 && !statement.bindings.some((b) => b.imported === '*');
}

function namedLocals(statement: ImportSyntax): string[] {
  return statement.bindings.filter((b) => b.imported !== 'default' && b.imported !== '*').map((b) => b.local);
}

function sortNames<T extends ImportedName>(bindings: readonly T[]): T[] {
  return [...bindings].sort((a, b) => (a.imported === 'default' ? -1 : b.imported === 'default' ? 1 : compareNames(a.local, b.local)));
}
