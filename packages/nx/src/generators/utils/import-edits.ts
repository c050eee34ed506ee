import type * as TS from 'typescript';
import { bindingNamesIn, type ImportSyntax, readModuleSyntax, typescript } from '../../analysis';
import { applyTextEdits, type TextEdit } from './text-edits';

/** One name an import binds: `default`, `*` for a namespace, or the export's name. */
export interface ImportedName {
  imported: string;
  local: string;
  typeOnly: boolean;
}

/**
 * An import declaration's text for `bindings`, in the order given, from `from` (the
 * specifier as written, quotes included): `import type { ... }` when every name is a type,
 * `import { type A, b }` otherwise; a namespace import on a line of its own after the rest.
 *
 * @example
 * importDeclarationText([{ imported: 'Site', local: 'Site', typeOnly: true }, { imported: 'SiteStatus', local: 'SiteStatus', typeOnly: false }], `'./types'`);
 * // "import { type Site, SiteStatus } from './types';"
 */
export function importDeclarationText(bindings: readonly ImportedName[], from: string): string {
  const named = bindings.filter((b) => b.imported !== 'default' && b.imported !== '*');
  const defaultBinding = bindings.find((b) => b.imported === 'default');
  const namespace = bindings.find((b) => b.imported === '*');
  const allTypes = bindings.length > 0 && bindings.every((b) => b.typeOnly) && !(defaultBinding && named.length);
  const parts: string[] = [];
  if (defaultBinding) parts.push(defaultBinding.local);
  if (named.length) {
    parts.push(`{ ${named.map((b) => `${b.typeOnly && !allTypes ? 'type ' : ''}${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`}`).join(', ')} }`);
  }
  const lines: string[] = [];
  if (parts.length) lines.push(`import ${allTypes ? 'type ' : ''}${parts.join(', ')} from ${from};`);
  if (namespace) lines.push(`import ${namespace.typeOnly ? 'type ' : ''}* as ${namespace.local} from ${from};`);
  return lines.join('\n');
}

/**
 * Removes the names `locals` from the module's imports: an import left with none goes with
 * its line, one that keeps some is written with the rest.
 *
 * @example
 * removeImportedNames(text, new Set(['createHost'])); // the line `import { createHost } from '@topo/runtime/host';` goes
 */
export function removeImportedNames(text: string, file: string, locals: ReadonlySet<string>): string {
  const module = readModuleSyntax(file, text);
  const edits: TextEdit[] = [];
  for (const statement of module.imports) {
    const kept = statement.bindings.filter((binding) => !locals.has(binding.local));
    if (kept.length === statement.bindings.length) continue;
    if (kept.length === 0) edits.push(removeStatement(text, statement, module.sourceFile));
    else {
      edits.push({
        start: statement.node.getStart(module.sourceFile),
        end: statement.node.end,
        text: importDeclarationText(kept, statement.node.moduleSpecifier.getText(module.sourceFile)),
      });
    }
  }
  return applyTextEdits(text, edits);
}

/**
 * Import bindings among `candidates` that no statement of the module uses (imports aside):
 * what removing some code left unused. Bindings outside `candidates` are never reported,
 * used or not.
 *
 * @example
 * unusedImports(text, file, new Set(['createHost', 'yoService'])); // Set { 'createHost' }
 */
export function unusedImports(text: string, file: string, candidates: ReadonlySet<string>): Set<string> {
  const ts = typescript();
  const module = readModuleSyntax(file, text);
  const used = new Set<string>();
  for (const statement of module.sourceFile.statements) if (!ts.isImportDeclaration(statement)) bindingNamesIn(statement, used);
  const imported = module.imports.flatMap((statement) => statement.bindings.map((binding) => binding.local));
  return new Set(imported.filter((local) => candidates.has(local) && !used.has(local)));
}

/** An import declaration's removal, its line with it. */
export function removeStatement(text: string, statement: ImportSyntax, sourceFile: TS.SourceFile): TextEdit {
  const end = text[statement.node.end] === '\n' ? statement.node.end + 1 : statement.node.end;
  return { start: statement.node.getStart(sourceFile), end, text: '' };
}
