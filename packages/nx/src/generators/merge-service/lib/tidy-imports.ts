import { type ImportSyntax, readModuleSyntax } from '../../../analysis';
import { importDeclarationText, type ImportedName, removeStatement } from '../../utils/import-edits';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';

/**
 * A module's imports after the merge rewrote some of them, in the module's own order. The
 * imports the merge wrote or respelled (those not among `untouched`, the import
 * declarations the module had before, as written) are put where the module's style puts
 * them:
 *
 * - two imports of one module, one of them the merge's, are one again (the split divides an
 *   import whose names go to two modules; merged, they are one module);
 * - when the module's other imports are in order (packages first, then relative paths, each
 *   by specifier), the merge's go to their place in that order, not after the others;
 * - when the module's lists of names are in order, so are the merge's.
 *
 * @example
 * tidyImports('apps/api/services/hello/hello.ts', text, new Set([`import { api } from '@topo/runtime';`]));
 */
export function tidyImports(file: string, text: string, untouched: ReadonlySet<string>): string {
  return orderImports(file, joinImports(file, text, untouched), untouched);
}

/** Two imports of one specifier, one of them the merge's, become one, where the module's own one was. */
function joinImports(file: string, text: string, untouched: ReadonlySet<string>): string {
  const module = readModuleSyntax(file, text);
  const isUntouched = (statement: ImportSyntax) => untouched.has(statement.node.getText(module.sourceFile));
  const namesSorted = listsSorted(module.imports.filter(isUntouched));
  const edits: TextEdit[] = [];
  const done = new Set<ImportSyntax>();
  for (const statement of module.imports) {
    if (done.has(statement) || !joinable(statement)) continue;
    const same = module.imports.filter((other) => other !== statement && !done.has(other) && joinable(other) && other.specifier === statement.specifier);
    const group = [statement, ...same];
    if (group.length < 2 || group.every(isUntouched)) continue;
    // Where the module's own import was; the others go.
    const host = group.find(isUntouched) ?? group[0];
    const bindings: ImportedName[] = [];
    for (const member of [host, ...group.filter((s) => s !== host)]) {
      for (const binding of member.bindings) if (!bindings.some((b) => b.local === binding.local)) bindings.push(binding);
    }
    if (bindings.filter((b) => b.imported === 'default').length > 1) continue;
    const sorted = namesSorted && group.every((s) => isSorted(s.bindings.map((b) => b.local), compareNames)) ? sortNames(bindings) : bindings;
    edits.push({ start: host.node.getStart(module.sourceFile), end: host.node.end, text: importDeclarationText(sorted, host.node.moduleSpecifier.getText(module.sourceFile)) });
    for (const other of group) if (other !== host) edits.push(removeStatement(text, other, module.sourceFile));
    for (const member of group) done.add(member);
  }
  // A list of names the merge wrote follows the module's order of names, when it has one.
  if (namesSorted) {
    for (const statement of module.imports) {
      if (done.has(statement) || isUntouched(statement) || !joinable(statement)) continue;
      const names = statement.bindings.map((b) => b.local);
      if (names.length < 2 || isSorted(names, compareNames)) continue;
      edits.push({
        start: statement.node.getStart(module.sourceFile),
        end: statement.node.end,
        text: importDeclarationText(sortNames(statement.bindings), statement.node.moduleSpecifier.getText(module.sourceFile)),
      });
    }
  }
  return edits.length ? applyTextEdits(text, edits) : text;
}

/** The merge's imports go to their place when the module's own are in order. */
function orderImports(file: string, text: string, untouched: ReadonlySet<string>): string {
  const module = readModuleSyntax(file, text);
  const imports = module.imports;
  const sourceFile = module.sourceFile;
  if (imports.length < 2) return text;
  const statements = sourceFile.statements.slice(0, imports.length);
  // Only a plain block: imports one per line, no comment or blank line between them, no import for its side effects.
  if (statements.some((statement, i) => statement !== imports[i].node)) return text;
  if (imports.some((statement) => statement.bindings.length === 0)) return text;
  for (let i = 1; i < imports.length; i++) {
    const gap = text.slice(imports[i - 1].node.end, imports[i].node.getStart(sourceFile));
    if (gap.trim() !== '' || gap.split('\n').length !== 2) return text;
  }
  const own = imports.filter((statement) => untouched.has(statement.node.getText(sourceFile)));
  if (own.length === 0 || own.length === imports.length || !isSorted(own.map((s) => s.specifier), compareSpecifiers)) return text;
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

/** Whether every list of two names or more is in order, and there is one. */
function listsSorted(imports: readonly ImportSyntax[]): boolean {
  const lists = imports.map((statement) => statement.bindings.filter((b) => b.imported !== 'default' && b.imported !== '*').map((b) => b.local)).filter((names) => names.length > 1);
  return lists.length > 0 && lists.every((names) => isSorted(names, compareNames));
}

function sortNames<T extends ImportedName>(bindings: readonly T[]): T[] {
  return [...bindings].sort((a, b) => (a.imported === 'default' ? -1 : b.imported === 'default' ? 1 : compareNames(a.local, b.local)));
}

function isSorted<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  return items.every((item, i) => i === 0 || compare(items[i - 1], item) <= 0);
}

/** Names by their letters, case aside (`api`, `APIError`, `ErrCode`). */
function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** Packages first, then relative paths (`../` before `./`), each by specifier, case aside. */
function compareSpecifiers(a: string, b: string): number {
  const relative = (s: string) => (s.startsWith('.') ? 1 : 0);
  return relative(a) - relative(b) || compareNames(a, b);
}

/** The import declarations of a module's text, as written: what the merge did not touch. */
export function importTexts(file: string, text: string): Set<string> {
  const module = readModuleSyntax(file, text);
  return new Set(module.imports.map((statement) => statement.node.getText(module.sourceFile)));
}
