import { posix } from 'node:path';
import type * as TS from 'typescript';
import { bindingNamesIn, declaredNames, readModuleSyntax, typescript } from '../../../analysis';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';

/**
 * The split exports what it puts in the shared library, so that both services can import
 * it; when it comes back, a name that nothing imports any more and that its module uses
 * goes back to being the module's own (`const PEOPLE`, not `export const PEOPLE`), as it
 * was before the split. A name something still imports, a module another re-exports whole
 * (`export *`), and a name its module does not use stay exported.
 *
 * @example
 * unexportReturned(texts, readAll, [{ destination: 'apps/a/services/users/people.ts', names: ['PEOPLE'] }], resolve);
 */
export function unexportReturned(
  returned: readonly { destination: string; names: readonly string[] }[],
  files: readonly string[],
  read: (file: string) => string | undefined,
  resolve: (fromFile: string, specifier: string) => string | undefined,
): Map<string, string> {
  const ts = typescript();
  const changed = new Map<string, string>();
  const wanted = new Map(returned.map((r) => [r.destination, new Set(r.names)]));
  if (wanted.size === 0) return changed;
  // What every other module still imports by name from the destinations, and which it re-exports whole.
  const imported = new Map<string, Set<string>>();
  const wholly = new Set<string>();
  for (const file of files) {
    if (!/\.[cm]?tsx?$/.test(file)) continue;
    const text = read(file);
    if (text === undefined || ![...wanted.keys()].some((d) => text.includes(posix.basename(d).replace(/\.[cm]?tsx?$/, '')))) continue;
    const syntax = readModuleSyntax(file, text);
    for (const declaration of syntax.imports) {
      const target = resolve(file, declaration.specifier);
      if (target === undefined || !wanted.has(target) || target === file) continue;
      const names = imported.get(target) ?? new Set();
      for (const binding of declaration.bindings) {
        if (binding.imported === '*') wholly.add(target);
        else names.add(binding.imported);
      }
      imported.set(target, names);
    }
    for (const statement of syntax.sourceFile.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const target = resolve(file, statement.moduleSpecifier.text);
      if (target === undefined || !wanted.has(target)) continue;
      if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) wholly.add(target);
      else for (const element of statement.exportClause.elements) (imported.get(target) ?? imported.set(target, new Set()).get(target)!).add((element.propertyName ?? element.name).text);
    }
  }
  for (const [destination, names] of wanted) {
    const text = read(destination);
    if (text === undefined || wholly.has(destination)) continue;
    const syntax = readModuleSyntax(destination, text);
    const edits: TextEdit[] = [];
    for (const statement of syntax.sourceFile.statements) {
      const modifier = exportModifier(ts, statement);
      const all = declaredNames(statement);
      if (!modifier || all.length === 0) continue;
      if (!all.every((name) => names.has(name) && !imported.get(destination)?.has(name))) continue;
      if (!all.every((name) => usedElsewhereIn(ts, syntax.sourceFile, statement, name))) continue;
      edits.push({ start: modifier.getStart(syntax.sourceFile), end: modifier.end + (text[modifier.end] === ' ' ? 1 : 0), text: '' });
    }
    if (edits.length) changed.set(destination, applyTextEdits(text, edits));
  }
  return changed;
}

function exportModifier(ts: typeof TS, statement: TS.Statement): TS.Modifier | undefined {
  const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
  if (modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) return undefined;
  return modifiers.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** Whether the module names `name` outside the statement that declares it. */
function usedElsewhereIn(ts: typeof TS, sourceFile: TS.SourceFile, declaration: TS.Statement, name: string): boolean {
  return sourceFile.statements.some((statement) => statement !== declaration && bindingNamesIn(statement, new Set()).has(name));
}
