import { posix } from 'node:path';
import type * as TS from 'typescript';
import { isInside, type ModuleResolver } from '../../../analysis';
import { relativeSpecifier } from '../../split-service/lib/specifiers';
import { collectBindingNames, freshName, isMemberName } from '../../utils/identifiers';

/** How the imports of one service's client are rewritten. */
export interface ClientConversion {
  /** The client module; absent when the service has none (nothing imports it then). */
  readonly clientFile: string | undefined;
  readonly service: string;
  /** Its typed endpoints, by export name, with the module (after the merge) that declares each. */
  readonly endpoints: ReadonlyMap<string, string>;
  /**
   * Where callers outside the merged service go instead: the remaining service's client.
   * Without it, only the modules of `onlyFrom` are rewritten.
   */
  readonly redirect?: { readonly clientFile: string; readonly exportName: string };
  /** The modules (before the merge) whose imports of this client are rewritten; default all. */
  readonly onlyFrom?: ReadonlySet<string>;
}

export interface RewriteContext {
  readonly typescript: typeof TS;
  readonly resolver: ModuleResolver;
  /** Files of the merged service and where they go. */
  readonly moves: ReadonlyMap<string, string>;
  /** The merged and the remaining service's service.ts: imports of the first go to the second. */
  readonly serviceFiles: { readonly from: string; readonly into: string };
  /** The remaining service's folder: a client call made from below it becomes a direct call. */
  readonly into: string;
  readonly conversions: readonly ClientConversion[];
  readonly importExtension: '' | '.js';
  /** What could not be rewritten, as `file:line: why`. */
  readonly problems: string[];
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * The text of `file` after the merge. Every module specifier that names a file of the merged
 * service, or that the move takes to another folder, is respelled (relative, in the style it
 * was written: extension, folder index). An import of a client is rewritten per its
 * conversion: below the remaining service, `yo.h2(x)` becomes `h2(x)` with `h2` imported
 * from its module; elsewhere `yo` becomes the remaining service's client. What it cannot
 * rewrite goes to `context.problems`.
 *
 * @example
 * rewriteModule(context, 'apps/api/services/hello/hello.ts', text); // yo.h2(x) -> h2(x), import { h2 } from './yo'
 */
export function rewriteModule(context: RewriteContext, file: string, text: string): string {
  const ts = context.typescript;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const newPath = context.moves.get(file) ?? file;
  const edits: Edit[] = [];
  const taken = collectBindingNames(ts, source, new Set());
  const line = (node: TS.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;

  for (const literal of moduleSpecifiers(ts, source)) {
    const specifier = literal.text;
    const target = context.resolver.resolve(file, specifier);
    const conversion = target === undefined ? undefined : context.conversions.find((c) => c.clientFile === target && (!c.onlyFrom || c.onlyFrom.has(file)));
    if (conversion) {
      const declaration = literal.parent;
      if (!ts.isImportDeclaration(declaration)) {
        context.problems.push(`${line(literal)}: ${describeUse(ts, literal)} the client of "${conversion.service}" (${specifier}); only \`import { client } from '...'\` can be rewritten`);
        continue;
      }
      convertClientImport(context, source, declaration, conversion, newPath, taken, edits, line);
      continue;
    }
    const destination = target === undefined ? undefined : target === context.serviceFiles.from ? context.serviceFiles.into : (context.moves.get(target) ?? target);
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (destination !== undefined && (destination !== target || (newPath !== file && relative))) {
      edits.push(replaceLiteral(source, literal, respell(specifier, newPath, destination)));
    } else if (destination === undefined && relative && newPath !== file) {
      // Not a module the resolver knows (a JSON file, a stylesheet): the same file, from the new folder.
      const joined = posix.join(posix.dirname(file), specifier);
      edits.push(replaceLiteral(source, literal, relativeSpecifier(newPath, context.moves.get(joined) ?? joined)));
    }
  }
  return applyEdits(text, edits);
}

/**
 * `import { yo } from '../yo/client'`: below the remaining service each `yo.h2` becomes `h2`,
 * imported from its module; elsewhere `yo` becomes the remaining service's client.
 */
function convertClientImport(
  context: RewriteContext,
  source: TS.SourceFile,
  declaration: TS.ImportDeclaration,
  conversion: ClientConversion,
  newPath: string,
  taken: Set<string>,
  edits: Edit[],
  line: (node: TS.Node) => string,
): void {
  const ts = context.typescript;
  const bindings = declaration.importClause?.namedBindings;
  if (!declaration.importClause || declaration.importClause.name || !bindings || !ts.isNamedImports(bindings) || bindings.elements.length !== 1) {
    context.problems.push(`${line(declaration)}: imports the client of "${conversion.service}" as something other than one named import`);
    return;
  }
  const local = bindings.elements[0].name.text;
  const references = referencesTo(ts, source, local, bindings.elements[0].name);
  if (references === 'shadowed') {
    context.problems.push(`${line(declaration)}: declares another "${local}" beside the client of "${conversion.service}"`);
    return;
  }
  const direct = isInside(newPath, context.into) || !conversion.redirect;
  if (!direct) {
    const redirect = conversion.redirect!;
    const existing = existingImport(context, source, redirect.clientFile);
    // The client's own name goes with its import: the new one may take it.
    taken.delete(local);
    const name = existing ?? freshName(redirect.exportName, taken);
    for (const reference of references) edits.push({ start: reference.getStart(source), end: reference.end, text: name });
    const statement = existing
      ? ''
      : `import ${declaration.importClause.isTypeOnly ? 'type ' : ''}{ ${name === redirect.exportName ? name : `${redirect.exportName} as ${name}`} } from '${respell(specifierOf(declaration), newPath, redirect.clientFile)}';`;
    edits.push(replaceStatement(source, declaration, statement));
    return;
  }

  const imports = new Map<string, Map<string, string>>(); // module -> endpoint -> local name
  const replacements: Edit[] = [];
  for (const reference of references) {
    const access = reference.parent;
    const endpoint = ts.isPropertyAccessExpression(access) && access.expression === reference ? access.name.text : undefined;
    const module = endpoint === undefined ? undefined : conversion.endpoints.get(endpoint);
    if (!module || endpoint === undefined) {
      context.problems.push(
        `${line(reference)}: uses the client of "${conversion.service}" as a value (\`${access.getText(source)}\`); merged, its endpoints are functions of this service`,
      );
      continue;
    }
    let name: string;
    if (module === newPath) name = endpoint;
    else {
      const names = imports.get(module) ?? new Map<string, string>();
      imports.set(module, names);
      name = names.get(endpoint) ?? freshName(endpoint, taken);
      names.set(endpoint, name);
    }
    replacements.push({ start: access.getStart(source), end: access.end, text: name });
  }
  edits.push(...replacements);
  const statements = [...imports].map(([module, names]) => {
    const list = [...names].map(([endpoint, name]) => (endpoint === name ? name : `${endpoint} as ${name}`)).join(', ');
    return `import { ${list} } from '${respell(specifierOf(declaration), newPath, module)}';`;
  });
  edits.push(replaceStatement(source, declaration, statements.join('\n')));
}

/** A statement's replacement; an empty one takes the statement's line with it. */
function replaceStatement(source: TS.SourceFile, statement: TS.Statement, text: string): Edit {
  const end = text === '' && source.text[statement.end] === '\n' ? statement.end + 1 : statement.end;
  return { start: statement.getStart(source), end, text };
}

function specifierOf(declaration: TS.ImportDeclaration): string {
  return (declaration.moduleSpecifier as TS.StringLiteral).text;
}

/** The local name of an existing named import of `clientFile`'s client in `source`, if any. */
function existingImport(context: RewriteContext, source: TS.SourceFile, clientFile: string): string | undefined {
  const ts = context.typescript;
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (context.resolver.resolve(source.fileName, statement.moduleSpecifier.text) !== clientFile) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings) && bindings.elements.length === 1) return bindings.elements[0].name.text;
  }
  return undefined;
}

/**
 * Every string that names a module: imports, exports, `import('...')` types and calls,
 * `require`, and the module mocks of jest and vitest.
 */
function moduleSpecifiers(ts: typeof TS, source: TS.SourceFile): TS.StringLiteral[] {
  const found: TS.StringLiteral[] = [];
  const visit = (node: TS.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0]) && namesModule(ts, node.expression)) {
      found.push(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const MODULE_FUNCTIONS = new Set(['require', 'mock', 'doMock', 'unmock', 'requireActual', 'requireMock', 'importActual', 'importMock']);

function namesModule(ts: typeof TS, callee: TS.Expression): boolean {
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && ['jest', 'vi'].includes(callee.expression.text) && MODULE_FUNCTIONS.has(callee.name.text);
}

function describeUse(ts: typeof TS, literal: TS.StringLiteral): string {
  return ts.isExportDeclaration(literal.parent) ? 're-exports' : 'loads';
}

/** The identifiers that refer to `local`, or 'shadowed' when the module declares another binding of that name. */
function referencesTo(ts: typeof TS, source: TS.SourceFile, local: string, binding: TS.Identifier): TS.Identifier[] | 'shadowed' {
  const references: TS.Identifier[] = [];
  let shadowed = false;
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node) && node.text === local && node !== binding) {
      if (isDeclarationName(ts, node)) shadowed = true;
      else if (isReference(ts, node)) references.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return shadowed ? 'shadowed' : references;
}

function isDeclarationName(ts: typeof TS, node: TS.Identifier): boolean {
  const parent = node.parent;
  return (
    ((ts.isVariableDeclaration(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isInterfaceDeclaration(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isEnumDeclaration(parent) ||
      ts.isImportClause(parent) ||
      ts.isNamespaceImport(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassExpression(parent)) &&
      parent.name === node) ||
    (ts.isBindingElement(parent) && parent.name === node) ||
    (ts.isImportSpecifier(parent) && parent.name === node)
  );
}

/** Whether the identifier is a use of a binding: neither a member name nor a declaration. */
function isReference(ts: typeof TS, node: TS.Identifier): boolean {
  return !isMemberName(ts, node) && !isDeclarationName(ts, node);
}

/**
 * The specifier from `fromModule` to workspace file `target`, written in the style of
 * `original`: the folder for an index, `.js` or `.ts` where it had one.
 */
export function respell(original: string, fromModule: string, target: string): string {
  const stem = target.replace(/\.[cm]?tsx?$/, '');
  const last = original.split('/').pop() ?? '';
  if (posix.basename(stem) === 'index' && !/^index(\.[cm]?[jt]sx?)?$/.test(last)) {
    return relativeSpecifier(fromModule, posix.dirname(target));
  }
  const extension = /\.[cm]?[jt]sx?$/.exec(last)?.[0] ?? '';
  return `${relativeSpecifier(fromModule, stem)}${extension}`;
}

function replaceLiteral(source: TS.SourceFile, literal: TS.StringLiteral, specifier: string): Edit {
  const quote = source.text[literal.getStart(source)];
  return { start: literal.getStart(source), end: literal.end, text: `${quote}${specifier}${quote}` };
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}
