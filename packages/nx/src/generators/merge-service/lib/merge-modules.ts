import { posix } from 'node:path';
import type * as TS from 'typescript';
import { declaredNames, type ImportSyntax, readModuleSyntax, typescript } from '../../../analysis';
import { fileHeader } from '../../split-service/lib/render-module';
import { importDeclarationText } from '../../utils/import-edits';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';
import { compareNames, compareSpecifiers, isSorted } from './import-order';
import { describeBlock, TEST_FILE } from './test-blocks';

/** What the merge knows of the workspace beyond the two texts. */
export interface MergeModulesOptions {
  /**
   * Whether the module `barrel` (a workspace path without extension, as `from` is) exports
   * `name` of the module `from`, after the merge: `export * from` or by name.
   */
  exportsThrough?(barrel: string, from: string, name: string): boolean;
}

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
 * goes, as what it imported is declared here now, where it imported it: when the kept
 * module imported from the added one, the added code goes right after the imports (where
 * the split took it from, above the code that uses it); otherwise it follows the kept code.
 * A file header both start with (the split gives every module made of a file its header)
 * is written once. Names the added module imports from a module that a barrel the kept
 * module imports from exports join that import (the split respells an import through a
 * barrel the new service does not have).
 *
 * Two test modules keep one `describe` per title: the tests of the added module's
 * `describe('hello', ...)` go into the kept one's, after its last test (nested blocks of one
 * title alike); a statement both have, written the same (a helper or a hook the split gave
 * both parts), is written once.
 *
 * Returns why not when both declare or import the same name differently.
 *
 * @example
 * mergeModules('apps/api/services/notes/endpoints/search.ts', keptText, addedText); // { text } or { clashes }
 */
export function mergeModules(path: string, kept: string, added: string, options: MergeModulesOptions = {}): { text: string } | { clashes: string[] } {
  const keptModule = readModuleSyntax(path, kept);
  const addedModule = readModuleSyntax(path, added);
  const keptFile = keptModule.sourceFile;
  const addedFile = addedModule.sourceFile;
  const self = path.replace(/\.[cm]?tsx?$/, '');
  const keptImports = importsOf(keptModule.imports, path);
  const addedImports = importsOf(addedModule.imports, path);
  const keptBody = bodyOf(keptFile);
  const addedBody = bodyOf(addedFile);
  const test = TEST_FILE.test(path);

  // What the split wrote into both parts of a test file is one statement again.
  const keptTexts = new Set(keptBody.map((statement) => statement.getText(keptFile)));
  const copies = new Set(test ? addedBody.filter((statement) => keptTexts.has(statement.getText(addedFile))) : []);
  const copied = new Set([...copies].flatMap((statement) => declaredNames(statement)));
  const keptDeclared = keptModule.declares;
  const addedDeclared = new Set([...addedModule.declares].filter((name) => !copied.has(name)));
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
  // to the kept import of the same module or after the kept imports.
  const edits: TextEdit[] = [];
  const importsItself = keptImports.some((statement) => statement.key === self);
  for (const statement of keptImports) {
    if (statement.key !== self) continue;
    const end = kept[statement.node.end] === '\n' ? statement.node.end + 1 : statement.node.end;
    edits.push({ start: statement.node.getStart(keptFile), end, text: '' });
  }
  // Names that join a kept import of their module, in order when both lists are.
  const joins = new Map<ImportStatement, Binding[]>();
  const lines: { statement: ImportStatement; text: string }[] = [];
  for (const { statement, bindings } of retained) {
    // A value import's names join a kept value import's list, a type-only import's a kept type-only one's.
    const joinable = bindings.length > 0 && bindings.every((b) => b.imported !== 'default' && b.imported !== '*');
    const takes = (s: ImportStatement) => (statement.typeOnly ? s.typeOnly && namedOnly(s) : s.namedList !== undefined);
    // The module itself, else a barrel the kept module imports from that exports the names.
    const host = joinable
      ? (keptImports.find((s) => s.key === statement.key && takes(s)) ??
        (keptImports.some((s) => s.key === statement.key)
          ? undefined
          : keptImports.find((s) => s.key !== self && takes(s) && bindings.every((b) => options.exportsThrough?.(s.key, statement.key, b.imported)))))
      : undefined;
    if (host) joins.set(host, [...(joins.get(host) ?? []), ...bindings]);
    else lines.push({ statement, text: bindings.length === statement.bindings.length ? statement.node.getText(addedFile) : renderImport(statement, bindings) });
  }
  for (const [host, bindings] of joins) {
    const names = (list: readonly Binding[]) => list.map((b) => b.local);
    if (host.typeOnly || (isSorted(names(host.bindings), compareNames) && isSorted(names(bindings), compareNames))) {
      const sorted = isSorted(names(host.bindings), compareNames) && isSorted(names(bindings), compareNames);
      const all = [...host.bindings, ...bindings];
      if (sorted) all.sort((a, b) => compareNames(a.local, b.local));
      edits.push({ start: host.node.getStart(keptFile), end: host.node.end, text: importDeclarationText(all, host.node.moduleSpecifier.getText(keptFile)) });
    } else {
      const list = host.namedList!;
      const written = bindings.map((b) => `${b.typeOnly ? 'type ' : ''}${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`}`);
      edits.push({ start: list.end, end: list.end, text: `${list.trailingComma ? ' ' : ', '}${written.join(', ')}` });
    }
  }
  const ownImports = keptImports.filter((s) => s.key !== self);
  const lastKeptImport = ownImports.at(-1);
  const header = fileHeader(typescript(), keptFile);
  const top = lastKeptImport ? lastKeptImport.node.end : (header?.end ?? 0);
  for (const { statement, text } of lines) {
    const at = importPlace(statement, addedImports, ownImports, keptFile);
    if (at) edits.push({ start: at.offset, end: at.offset, text: at.before ? `${text}\n` : `\n${text}` });
    else edits.push({ start: top, end: top, text: top > 0 ? `\n${text}` : `${text}\n` });
  }

  // The added code, and the tests that join a kept `describe` of the same title.
  const joined = test ? joinDescribes(keptFile, keptBody, addedFile, addedBody, edits) : new Set<TS.Statement>();
  const appended = addedBody.filter((statement) => !copies.has(statement) && !joined.has(statement));
  const addedHeader = fileHeader(typescript(), addedFile);
  const skipHeader = addedHeader !== undefined && addedHeader.text === header?.text && addedModule.imports.length === 0 ? addedHeader.end : 0;
  const code = statementsText(addedFile, addedBody, appended, skipHeader);
  if (code && importsItself) edits.push({ start: top, end: top, text: top > 0 ? `\n\n${code}` : `${code}\n\n` });
  let text = applyTextEdits(kept, edits);
  if (code && !importsItself) text = `${text.trimEnd()}\n\n${code}`;
  return { text: text.endsWith('\n') ? text : `${text}\n` };
}

/** The statements after the leading imports. */
function bodyOf(sourceFile: TS.SourceFile): TS.Statement[] {
  const ts = typescript();
  const first = sourceFile.statements.findIndex((statement) => !ts.isImportDeclaration(statement));
  return first < 0 ? [] : sourceFile.statements.slice(first);
}

/**
 * The text of `chosen`, some of `siblings` in order: statements that were next to each other
 * keep what was between them, others are set apart by a blank line. Each starts with the
 * comments above it, on their own lines; none starts before `from`.
 */
function statementsText(sourceFile: TS.SourceFile, siblings: readonly TS.Statement[], chosen: readonly TS.Statement[], from = 0): string {
  const text = sourceFile.text;
  let result = '';
  chosen.forEach((statement, i) => {
    const previous = i > 0 ? chosen[i - 1] : undefined;
    if (previous && siblings.indexOf(previous) + 1 === siblings.indexOf(statement)) result += text.slice(previous.end, statement.end);
    else result += `${previous ? '\n\n' : ''}${text.slice(lineStart(sourceFile, statement, from), statement.end)}`;
  });
  return result;
}

/** Where a statement's lines begin: the line of the first comment above it (after `from`), else of its first token. */
function lineStart(sourceFile: TS.SourceFile, statement: TS.Statement, from = 0): number {
  const ts = typescript();
  const text = sourceFile.text;
  const comments = (ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? []).filter((comment) => comment.pos >= from);
  const start = comments[0]?.pos ?? statement.getStart(sourceFile);
  const line = text.lastIndexOf('\n', start - 1) + 1;
  return Math.max(line, from, statement.getFullStart());
}

/**
 * Puts the tests of each `describe` of the added module into the kept `describe` of the
 * same title (the first one), after its last statement, and so on down nested blocks.
 * Returns the added statements that went in; the edits are to the kept text.
 */
function joinDescribes(
  keptFile: TS.SourceFile,
  keptStatements: readonly TS.Statement[],
  addedFile: TS.SourceFile,
  addedStatements: readonly TS.Statement[],
  edits: TextEdit[],
): Set<TS.Statement> {
  const joined = new Set<TS.Statement>();
  for (const statement of addedStatements) {
    const block = describeBlock(statement);
    const into = block && keptStatements.map(describeBlock).find((kept) => kept?.title.text === block.title.text);
    if (!block || !into) continue;
    joined.add(statement);
    const keptInner = [...into.body.statements];
    const keptTexts = new Set(keptInner.map((s) => s.getText(keptFile)));
    const addedInner = [...block.body.statements];
    const inner = joinDescribes(keptFile, keptInner, addedFile, addedInner, edits);
    const rest = addedInner.filter((s) => !inner.has(s) && !keptTexts.has(s.getText(addedFile)));
    if (rest.length === 0) continue;
    const code = statementsText(addedFile, addedInner, rest);
    const last = keptInner.at(-1);
    if (!last) {
      const open = into.body.getStart(keptFile) + 1;
      edits.push({ start: open, end: open, text: `\n${code}` });
      continue;
    }
    // A blank line between tests, unless the kept block sets its statements one per line.
    const gaps = keptInner.slice(1).map((s, i) => keptFile.text.slice(keptInner[i].end, s.getStart(keptFile)));
    const tight = gaps.length > 0 && gaps.every((gap) => gap.split('\n').length <= 2);
    edits.push({ start: last.end, end: last.end, text: `\n${tight ? '' : '\n'}${code}` });
  }
  return joined;
}

/** `import { a, b }` or `import type { a, b }`: named bindings only. */
function namedOnly(statement: ImportStatement): boolean {
  return statement.bindings.length > 0 && statement.bindings.every((b) => b.imported !== 'default' && b.imported !== '*');
}

/**
 * Where an import of the added module goes among the kept ones: after the kept import of the
 * module it followed in the added module, or before the one it preceded (both were written
 * in the order the original module had them); else at its place in the kept imports' order,
 * when they keep one; else (undefined) after them.
 */
function importPlace(
  statement: ImportStatement,
  addedImports: readonly ImportStatement[],
  keptImports: readonly ImportStatement[],
  keptFile: TS.SourceFile,
): { offset: number; before: boolean } | undefined {
  const index = addedImports.indexOf(statement);
  const keptOf = (other: ImportStatement) => keptImports.find((kept) => kept.key === other.key);
  for (let i = index - 1; i >= 0; i--) {
    const anchor = keptOf(addedImports[i]);
    if (anchor) return { offset: anchor.node.end, before: false };
  }
  for (let i = index + 1; i < addedImports.length; i++) {
    const anchor = keptOf(addedImports[i]);
    if (anchor) return { offset: anchor.node.getStart(keptFile), before: true };
  }
  const specifiers = keptImports.map((kept) => kept.specifier);
  if (keptImports.length === 0 || !isSorted(specifiers, compareSpecifiers)) return undefined;
  const next = keptImports.find((kept) => compareSpecifiers(statement.specifier, kept.specifier) < 0);
  return next ? { offset: next.node.getStart(keptFile), before: true } : undefined;
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
