import { posix } from 'node:path';
import { type ImportSyntax, readModuleSyntax } from '../../../analysis';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';

interface Binding {
  /** `default`, `*`, or the exported name. */
  imported: string;
  local: string;
  typeOnly: boolean;
}

interface ImportStatement extends ImportSyntax {
  /** The module it names: a workspace path without extension for a relative specifier, else the specifier. */
  key: string;
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
export function mergeModules(path: string, kept: string, added: string): { text: string } | { clashes: string[] } {
  const keptModule = readModuleSyntax(path, kept);
  const addedModule = readModuleSyntax(path, added);
  const self = path.replace(/\.[cm]?tsx?$/, '');
  const keptImports = importsOf(keptModule.imports, path);
  const addedImports = importsOf(addedModule.imports, path);
  const keptDeclared = keptModule.declares;
  const addedDeclared = addedModule.declares;
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
  const edits: TextEdit[] = [];
  for (const statement of keptImports) {
    if (statement.key === self) edits.push({ start: statement.node.getFullStart(), end: statement.node.end, text: '' });
  }
  const lines: string[] = [];
  for (const { statement, bindings } of retained) {
    const joinable = bindings.length > 0 && bindings.every((b) => b.imported !== 'default' && b.imported !== '*') && !statement.typeOnly;
    const list = joinable ? keptImports.find((s) => s.key === statement.key && s.namedList !== undefined)?.namedList : undefined;
    if (list) {
      const names = bindings.map((b) => `${b.typeOnly ? 'type ' : ''}${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`}`);
      edits.push({ start: list.end, end: list.end, text: `${list.trailingComma ? ' ' : ', '}${names.join(', ')}` });
    } else {
      lines.push(bindings.length === statement.bindings.length ? statement.node.getText(addedModule.sourceFile) : renderImport(statement, bindings));
    }
  }
  const lastKeptImport = keptImports.filter((s) => s.key !== self).pop();
  const at = lastKeptImport ? lastKeptImport.node.end : 0;
  if (lines.length) edits.push({ start: at, end: at, text: at > 0 ? `\n${lines.join('\n')}` : `${lines.join('\n')}\n` });
  let text = applyTextEdits(kept, edits);
  if (addedModule.bodyStart < added.length) {
    text = `${text.replace(/\s*$/, '')}\n\n${added.slice(addedModule.bodyStart).replace(/^\s*\n/, '')}`;
  }
  return { text: text.endsWith('\n') ? text : `${text}\n` };
}

function importsOf(imports: readonly ImportSyntax[], path: string): ImportStatement[] {
  const folderIndex = posix.join(posix.dirname(path), 'index');
  return imports.map((statement) => {
    const key = statement.specifier.startsWith('.')
      ? posix.join(posix.dirname(path), statement.specifier).replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '')
      : statement.specifier;
    // A folder's index and the folder are one module.
    return { ...statement, key: key === folderIndex ? posix.dirname(path) : key };
  });
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
