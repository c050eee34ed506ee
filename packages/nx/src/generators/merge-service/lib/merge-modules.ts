import { posix } from 'node:path';
import type * as TS from 'typescript';
import { declaredNames } from '../../../analysis';

interface Binding {
  /** `default`, `*`, or the exported name. */
  imported: string;
  local: string;
  typeOnly: boolean;
}

interface ImportStatement {
  node: TS.ImportDeclaration;
  /** The module it names: a workspace path without extension for a relative specifier, else the specifier. */
  key: string;
  specifier: string;
  bindings: Binding[];
}

/**
 * One module from two that land at the same path: the remaining service's `kept` and the
 * merged service's `added` (both already rewritten for `path`). The added module's imports
 * join the kept ones (a binding both have is written once); an import of the module itself
 * goes, as what it imported is declared here now; its other statements follow the kept
 * ones. Returns why not when both declare or import the same name differently.
 *
 * @example
 * mergeModules(ts, 'apps/api/services/notes/endpoints/search.ts', keptText, addedText); // { text } or { clashes }
 */
export function mergeModules(ts: typeof TS, path: string, kept: string, added: string): { text: string } | { clashes: string[] } {
  const parse = (text: string) => ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const keptSource = parse(kept);
  const addedSource = parse(added);
  const self = path.replace(/\.[cm]?tsx?$/, '');
  const keptImports = importsOf(ts, keptSource, path);
  const addedImports = importsOf(ts, addedSource, path);
  const keptDeclared = declaredNamesOf(keptSource);
  const addedDeclared = declaredNamesOf(addedSource);
  const clashes: string[] = [];

  for (const name of addedDeclared) if (keptDeclared.has(name)) clashes.push(`both declare "${name}"`);
  const selfImports = (imports: ImportStatement[], declared: ReadonlySet<string>) => {
    for (const statement of imports.filter((s) => s.key === self)) {
      for (const binding of statement.bindings) {
        if (binding.imported !== binding.local || !declared.has(binding.local)) {
          clashes.push(`imports "${binding.imported}"${binding.imported !== binding.local ? ` as "${binding.local}"` : ''} from the module it merges with`);
        }
      }
    }
  };
  selfImports(keptImports, addedDeclared);
  selfImports(addedImports, keptDeclared);

  const keptBindings = new Map(keptImports.filter((s) => s.key !== self).flatMap((s) => s.bindings.map((b) => [b.local, { statement: s, binding: b }] as const)));
  const retained: { statement: ImportStatement; bindings: Binding[] }[] = [];
  for (const statement of addedImports) {
    if (statement.key === self) continue;
    const bindings = statement.bindings.filter((binding) => {
      const same = keptBindings.get(binding.local);
      if (same) {
        if (same.statement.key !== statement.key || same.binding.imported !== binding.imported) {
          clashes.push(`both use the name "${binding.local}" for different imports`);
        }
        return false;
      }
      if (keptDeclared.has(binding.local)) clashes.push(`"${binding.local}" is declared in one and imported in the other`);
      return true;
    });
    const sideEffectOnly = statement.bindings.length === 0 && !keptImports.some((s) => s.key === statement.key && s.bindings.length === 0);
    if (bindings.length > 0 || sideEffectOnly) retained.push({ statement, bindings });
  }
  for (const statement of keptImports) {
    if (statement.key === self) continue;
    for (const binding of statement.bindings) if (addedDeclared.has(binding.local)) clashes.push(`"${binding.local}" is declared in one and imported in the other`);
  }
  if (clashes.length) return { clashes: [...new Set(clashes)] };

  // The kept module without its imports of the added one, the added module's imports joined
  // to the kept import of the same module or after the kept imports, the added code at the end.
  const edits: { at: number; end: number; text: string }[] = [];
  for (const statement of keptImports) {
    if (statement.key === self) edits.push({ at: statement.node.getFullStart(), end: statement.node.end, text: '' });
  }
  const lines: string[] = [];
  for (const { statement, bindings } of retained) {
    const joinable = bindings.length > 0 && bindings.every((b) => b.imported !== 'default' && b.imported !== '*') && !statement.node.importClause?.isTypeOnly;
    const into = joinable ? keptImports.find((s) => s.key === statement.key && namedList(ts, s.node) !== undefined) : undefined;
    const list = into && namedList(ts, into.node);
    if (list) {
      const names = bindings.map((b) => `${b.typeOnly ? 'type ' : ''}${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`}`);
      edits.push({ at: list.end, end: list.end, text: `${list.hasTrailingComma ? ' ' : ', '}${names.join(', ')}` });
    } else {
      lines.push(bindings.length === statement.bindings.length ? statement.node.getText(addedSource) : renderImport(statement, bindings));
    }
  }
  const lastKeptImport = keptImports.filter((s) => s.key !== self).pop();
  const at = lastKeptImport ? lastKeptImport.node.end : 0;
  if (lines.length) edits.push({ at, end: at, text: at > 0 ? `\n${lines.join('\n')}` : `${lines.join('\n')}\n` });
  let text = kept;
  for (const edit of edits.sort((a, b) => b.at - a.at)) text = text.slice(0, edit.at) + edit.text + text.slice(edit.end);
  const body = addedSource.statements.filter((statement) => !ts.isImportDeclaration(statement));
  if (body.length) {
    const start = body[0].getFullStart();
    text = `${text.replace(/\s*$/, '')}\n\n${added.slice(start).replace(/^\s*\n/, '')}`;
  }
  return { text: text.endsWith('\n') ? text : `${text}\n` };
}

function importsOf(ts: typeof TS, source: TS.SourceFile, path: string): ImportStatement[] {
  const imports: ImportStatement[] = [];
  for (const node of source.statements) {
    if (!ts.isImportDeclaration(node) || !ts.isStringLiteral(node.moduleSpecifier)) continue;
    const specifier = node.moduleSpecifier.text;
    const key = specifier.startsWith('.')
      ? posix.join(posix.dirname(path), specifier).replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '')
      : specifier;
    const clause = node.importClause;
    const bindings: Binding[] = [];
    if (clause?.name) bindings.push({ imported: 'default', local: clause.name.text, typeOnly: clause.isTypeOnly });
    const named = clause?.namedBindings;
    if (named && ts.isNamespaceImport(named)) bindings.push({ imported: '*', local: named.name.text, typeOnly: clause!.isTypeOnly });
    if (named && ts.isNamedImports(named)) {
      for (const element of named.elements) {
        bindings.push({ imported: (element.propertyName ?? element.name).text, local: element.name.text, typeOnly: clause!.isTypeOnly || element.isTypeOnly });
      }
    }
    imports.push({ node, key, specifier, bindings });
  }
  // A folder's index and the folder are one module.
  return imports.map((statement) => ({ ...statement, key: statement.key === posix.join(posix.dirname(path), 'index') ? posix.dirname(path) : statement.key }));
}

/** The named imports of a value import (`import { a, b } from`), where more names can join. */
function namedList(ts: typeof TS, node: TS.ImportDeclaration): TS.NodeArray<TS.ImportSpecifier> | undefined {
  const clause = node.importClause;
  if (!clause || clause.isTypeOnly || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) return undefined;
  return clause.namedBindings.elements.length ? clause.namedBindings.elements : undefined;
}

function renderImport(statement: ImportStatement, bindings: readonly Binding[]): string {
  const quote = `'${statement.specifier}'`;
  const parts: string[] = [];
  const named = bindings.filter((b) => b.imported !== 'default' && b.imported !== '*');
  const defaultBinding = bindings.find((b) => b.imported === 'default');
  const namespace = bindings.find((b) => b.imported === '*');
  const lines: string[] = [];
  if (defaultBinding) parts.push(defaultBinding.local);
  if (namespace) lines.push(`import ${namespace.typeOnly ? 'type ' : ''}* as ${namespace.local} from ${quote};`);
  if (named.length) {
    parts.push(`{ ${named.map((b) => `${b.typeOnly ? 'type ' : ''}${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`}`).join(', ')} }`);
  }
  if (parts.length) lines.unshift(`import ${parts.join(', ')} from ${quote};`);
  return lines.join('\n');
}

/** The names a module declares at its top level (imports aside). */
function declaredNamesOf(source: TS.SourceFile): Set<string> {
  return new Set(source.statements.flatMap((statement) => declaredNames(statement)));
}
