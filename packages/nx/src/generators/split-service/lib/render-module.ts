import { posix } from 'node:path';
import type * as TS from 'typescript';
import { type ExportElement, type ImportBinding, type ModuleDeclarations, readModuleSyntax, type TestHostSyntax, type TopLevelStatement } from '../../../analysis';
import type { Side } from './classify-declarations';
import type { Binding, ModulePlan, ReferenceResolver } from './resolve-references';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';
import { type TestHostedService, testHosting } from './host-in-tests';
import { moduleSpecifier, relativeSpecifier, respell } from '../../utils/specifiers';

/** What rendering needs to know beyond the module itself. */
export interface RenderContext {
  typescript: typeof TS;
  resolver: ReferenceResolver;
  sides: ReadonlyMap<TopLevelStatement, Side>;
  /** The module a statement of the source's code is written to. */
  moduleOf(statement: TopLevelStatement): string;
  /** Source files the split deletes. */
  deleted: ReadonlySet<string>;
  /** `.js` in ES module packages. */
  importExtension: '' | '.js';
  /** The source service's name and the new one's. */
  services: { from: string; to: string };
  /** The workspace file a specifier written in `fromFile` names, if any. */
  resolve(fromFile: string, specifier: string): string | undefined;
  /** Where the code of a source file the split deletes went (the new service's module first). */
  newHomeOf(file: string): string | undefined;
  /** The module that holds a file's code after the split: the file itself when its code stays. */
  homeOf(file: string): string;
  /** The modules the relocated code of a source file went to, by side. */
  homesOf(file: string): { move?: string; share?: string };
  /** The services a test module hosts in its own process after the split. */
  hostsOf(module: ModulePlan): readonly TestHostedService[];
  /** The host a test module creates already, which takes those services. */
  existingHostOf(module: ModulePlan): TestHostSyntax | undefined;
  /** Every identifier a module's code uses. */
  namesIn(module: ModulePlan): ReadonlySet<string>;
}

/**
 * The text of a new module: the imports its statements need, then the statements as they
 * were written (with their doc comments, rewritten where a reference changed), then the
 * export-list elements that came with them. When the module exists (a shared module that an
 * earlier split created), its imports get the new ones and the statements are appended.
 *
 * @example
 * tree.write(module.path, renderNewModule(module, graph.modules.get(module.origin)!, context));
 */
export function renderNewModule(module: ModulePlan, origin: ModuleDeclarations, context: RenderContext, existing?: string): string {
  const { resolver } = context;
  const text = origin.sourceFile.text;
  const placed = new Set(module.statements);
  const bindings: Binding[] = [];
  const body: string[] = [];
  const indexOf = new Map(origin.statements.map((s, index) => [s, index]));
  let previous: TopLevelStatement | undefined;
  for (const statement of module.statements) {
    const resolved = resolver.resolve(statement, module);
    bindings.push(...resolved.bindings);
    const edits = [
      ...resolved.edits,
      ...exportEdits(statement, context),
      ...omitEdits(context.typescript, origin.sourceFile, module.omit?.get(statement) ?? []),
      ...specifierEdits(statement, origin, module, context),
      ...hostEntryEdits(statement, module, origin, context),
      ...(module.serviceMarker ? serviceNameEdits(statement, context) : []),
    ];
    const start = attachedStart(context.typescript, origin.sourceFile, statement.node);
    // Statements that were next to each other keep the space between them (overloads: none).
    const between = previous && indexOf.get(previous)! + 1 === indexOf.get(statement) ? text.slice(previous.node.getEnd(), start) : '';
    const separator = between.trim() === '' && between.includes('\n') ? between : '\n\n';
    const statementText = applyTextEdits(
      text.slice(start, statement.node.getEnd()),
      edits.map((e) => shift(e, -start)),
    );
    body.push(body.length ? `${separator}${statementText}` : statementText);
    previous = statement;
  }
  const exported = origin.statements
    .filter((s) => s.kind === 'export-list')
    .flatMap((s) => s.exports)
    .filter((element) => element.target && placed.has(element.target) && needsExportElement(element, context));
  if (exported.length) {
    body.push(`\n\nexport { ${exported.map((e) => (e.local === e.exported ? e.local : `${e.local} as ${e.exported}`)).join(', ')} };`);
  }
  const sideEffects = module.owner === 'shared' ? [] : sideEffectImports(context.typescript, origin, module.path);

  if (existing === undefined) {
    const hosting = hostingOf(module, origin, context);
    const imports = [...sideEffects, ...importLines(bindings, module.path, context.importExtension), ...(hosting?.imports ?? [])];
    const setup = hosting?.setup ? `${hosting.setup}\n\n` : '';
    const header = fileHeader(context.typescript, origin.sourceFile);
    // The header keeps the blank line its authors left below it, if they did.
    const below = header ? origin.sourceFile.text.slice(header.end, origin.sourceFile.statements[0].getStart(origin.sourceFile)) : '';
    const headerText = header ? `${header.text}${/\n[ \t]*\n/.test(below) ? '\n\n' : '\n'}` : '';
    return `${headerText}${imports.length ? `${imports.join('\n')}\n\n` : ''}${setup}${body.join('')}\n`;
  }
  const current = readModuleSyntax(module.path, existing);
  const declared = new Set(current.imports.flatMap((statement) => statement.bindings.map((binding) => binding.local)));
  const imports = importLines(
    bindings.filter((b) => !declared.has(b.local)),
    module.path,
    context.importExtension,
  );
  const lastImport = current.imports.at(-1)?.node;
  const at = lastImport ? lastImport.getEnd() : 0;
  const head = existing.slice(0, at);
  const rest = existing.slice(at).trimEnd();
  const importText = imports.length ? (lastImport ? `\n${imports.join('\n')}` : `${imports.join('\n')}\n\n`) : '';
  return `${head}${importText}${rest}\n\n${body.join('')}\n`;
}

/**
 * The text of a file rewritten in place, or `undefined` when nothing is left in it: the
 * statements that left are removed, references that changed are rewritten, imports no
 * longer used are dropped and the new ones added after the others; export lists and
 * re-exports lose what moved away (a re-export of something shared points to the shared
 * library).
 */
export function renderInPlace(module: ModulePlan, origin: ModuleDeclarations, context: RenderContext): string | undefined {
  const ts = context.typescript;
  const { resolver, sides } = context;
  const sourceFile = origin.sourceFile;
  const text = sourceFile.text;
  const kept = new Set(module.statements);
  const edits: TextEdit[] = [];
  const keeps = new Set<ImportBinding>();
  const bindings: Binding[] = [];
  for (const statement of module.statements) {
    const resolved = resolver.resolve(statement, module);
    edits.push(
      ...resolved.edits,
      ...exportEdits(statement, context),
      ...omitEdits(ts, sourceFile, module.omit?.get(statement) ?? []),
      ...specifierEdits(statement, origin, module, context),
      ...hostEntryEdits(statement, module, origin, context),
    );
    bindings.push(...resolved.bindings);
    for (const binding of resolved.keeps) keeps.add(binding);
  }

  // What leaves the module: code that goes to another side than the module's own.
  const ownSide = module.owner === 'new' ? 'move' : module.owner === 'shared' ? 'share' : 'stay';
  const relocated = (target: TopLevelStatement | undefined) => {
    const side = target && sides.get(target);
    return side !== undefined && side !== ownSide;
  };
  const fates = new Map<TopLevelStatement, 'keep' | 'remove' | string>();
  let content = false;
  for (const statement of origin.statements) {
    if (statement.kind === 'declaration' || statement.kind === 'other') {
      fates.set(statement, kept.has(statement) ? 'keep' : 'remove');
      content ||= kept.has(statement);
    } else if (statement.kind === 'export-list') {
      const elements = statement.exports.filter((e) => !relocated(e.target));
      for (const element of elements) if (element.via) keeps.add(element.via);
      fates.set(statement, rewriteExports(statement, elements));
      content ||= elements.length > 0;
    } else if (statement.kind === 're-export') {
      const fate = rewriteReexport(statement, module, context);
      fates.set(statement, fate);
      content ||= fate !== 'remove';
    }
  }
  if (!content) {
    const hadContent = origin.statements.some((s) => s.kind !== 'import');
    if (hadContent) return undefined;
  }

  // Imports: a name stays imported while something kept still uses it (or nothing ever did).
  const uses = new Map<ImportBinding, number>();
  for (const statement of origin.statements) {
    for (const reference of statement.references) if (reference.via) uses.set(reference.via, (uses.get(reference.via) ?? 0) + 1);
    for (const element of statement.exports) if (element.via) uses.set(element.via, (uses.get(element.via) ?? 0) + 1);
  }
  const imported = new Map<string, ImportBinding>();
  const stays = new Map<TopLevelStatement, ImportBinding[]>();
  for (const statement of origin.statements) {
    if (statement.kind !== 'import') continue;
    const own = origin.imports.filter((b) => b.declaration === statement.node);
    const staying = own.filter((b) => keeps.has(b) || !uses.get(b));
    for (const binding of staying) imported.set(binding.local, binding);
    stays.set(statement, staying);
  }
  const needed = bindings.filter((binding) => {
    const existing = imported.get(binding.local);
    return !existing || !sameTarget(existing, binding, module.path);
  });
  // A new name from a module the file imports already joins that import.
  const joining = new Map<TopLevelStatement, Binding[]>();
  const separate: Binding[] = [];
  for (const binding of dedupe(needed)) {
    const host =
      binding.kind === 'named' && binding.file !== undefined
        ? [...stays].find(
            ([statement, staying]) => staying.length > 0 && canJoin(ts, statement.node as TS.ImportDeclaration, staying, binding),
          )?.[0]
        : undefined;
    if (host) joining.set(host, [...(joining.get(host) ?? []), binding]);
    else separate.push(binding);
  }
  for (const [statement, staying] of stays) {
    const own = origin.imports.filter((b) => b.declaration === statement.node);
    const extra = joining.get(statement) ?? [];
    if (staying.length === own.length && extra.length === 0) fates.set(statement, 'keep');
    else if (staying.length === 0) fates.set(statement, 'remove');
    else fates.set(statement, importDeclarationText(statement.node as TS.ImportDeclaration, staying, extra));
  }
  // An import that replaces one of the file's (a name re-pointed to its new home) takes
  // that import's place, after it when it stays; the new ones (clients, hosts) go last.
  const importStatements = origin.statements.filter((s) => s.kind === 'import');
  const replacing = new Map<TopLevelStatement, Binding[]>();
  const appended: Binding[] = [];
  for (const binding of separate) {
    const original = binding.order === undefined ? undefined : importStatements.find((s) => s.node.pos <= binding.order! && binding.order! < s.node.end);
    if (original) replacing.set(original, [...(replacing.get(original) ?? []), binding]);
    else appended.push(binding);
  }
  for (const [statement, replacements] of replacing) {
    const lines = importLines(replacements, module.path, context.importExtension).join('\n');
    const fate = fates.get(statement) ?? 'keep';
    if (fate === 'remove') fates.set(statement, lines);
    else if (fate === 'keep') edits.push({ start: statement.node.end, end: statement.node.end, text: `\n${lines}` });
    else fates.set(statement, `${fate}\n${lines}`);
  }
  const hosting = hostingOf(module, origin, context);
  const newImports = [...importLines(appended, module.path, context.importExtension), ...(hosting?.imports ?? [])];
  const setup = hosting?.setup ? `\n\n${hosting.setup}` : '';

  if (module.path !== origin.file) edits.push(...movedSpecifierEdits(origin, module, fates, context));
  const fateOf = new Map(origin.statements.map((s) => [s.node as TS.Node, fates.get(s) ?? 'keep']));
  edits.push(
    ...siblingEdits(
      ts,
      sourceFile,
      origin.statements.map((s) => s.node),
      (node) => fateOf.get(node) ?? 'keep',
    ),
  );
  if (newImports.length) {
    // After the last import kept, else above the first statement kept.
    const keptStatements = origin.statements.filter((s) => fates.get(s) !== 'remove');
    const lastImport = [...keptStatements].reverse().find((s) => s.kind === 'import');
    if (lastImport) edits.push({ start: lastImport.node.getEnd(), end: lastImport.node.getEnd(), text: `\n${newImports.join('\n')}${setup}` });
    else {
      const at = keptStatements[0] ? attachedStart(ts, sourceFile, keptStatements[0].node) : 0;
      edits.push({ start: at, end: at, text: `${newImports.join('\n')}${setup}\n\n` });
    }
  }
  const result = applyTextEdits(text, edits);
  return result;
}

/**
 * A module rewritten at a new path: the relative specifiers of the imports and re-exports
 * it keeps, respelled to where what they name is now, from where the module is now.
 */
function movedSpecifierEdits(
  origin: ModuleDeclarations,
  module: ModulePlan,
  fates: ReadonlyMap<TopLevelStatement, 'keep' | 'remove' | string>,
  context: RenderContext,
): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const specifier of origin.specifiers) {
    if ((specifier.kind !== 'import' && specifier.kind !== 'export') || !specifier.text.startsWith('.')) continue;
    const statement = origin.statements.find((s) => s.node === specifier.literal.parent);
    if (!statement || fates.get(statement) !== 'keep') continue;
    const target = specifier.resolvedFile ?? posix.join(posix.dirname(origin.file), specifier.text);
    const respelled = respell(specifier.text, module.path, context.homeOf(target));
    if (respelled === specifier.text) continue;
    const quote = specifier.literal.getText(origin.sourceFile)[0];
    edits.push({ start: specifier.literal.getStart(origin.sourceFile), end: specifier.literal.end, text: `${quote}${respelled}${quote}` });
  }
  return edits;
}

/**
 * A re-export after the split. What moved to the new service is no longer re-exported by
 * the source (anyone else re-exports it from its new home); what went to the shared library
 * is re-exported from there; `export *` of a deleted module follows its code the same way.
 */
function rewriteReexport(statement: TopLevelStatement, module: ModulePlan, context: RenderContext): 'keep' | 'remove' | string {
  const reexport = statement.reexport;
  const follow = (side: Side | undefined) => side === 'share' || (side === 'move' && module.owner !== 'source');
  if (reexport?.namespace !== undefined) {
    // `export * as ns from './x'`: a module can be re-exported whole from one place only.
    if (reexport.resolvedFile === undefined || !context.deleted.has(reexport.resolvedFile)) return 'keep';
    const homes = context.homesOf(reexport.resolvedFile);
    const home = (['share', 'move'] as const).find((side) => homes[side] && follow(side));
    return home ? `export * as ${reexport.namespace} from '${moduleSpecifier(module.path, homes[home]!, context.importExtension)}';` : 'remove';
  }
  if (reexport?.star) {
    if (reexport.resolvedFile === undefined || !context.deleted.has(reexport.resolvedFile)) return 'keep';
    const homes = context.homesOf(reexport.resolvedFile);
    const lines = (['share', 'move'] as const)
      .filter((side) => homes[side] && follow(side))
      .map((side) => `export * from '${moduleSpecifier(module.path, homes[side]!, context.importExtension)}';`);
    return lines.length ? lines.join('\n') : 'remove';
  }
  const sideOf = (element: ExportElement) => element.target && context.sides.get(element.target);
  const kept = statement.exports.filter((e) => sideOf(e) === undefined || sideOf(e) === 'stay');
  const byHome = new Map<string, ExportElement[]>();
  for (const element of statement.exports) {
    if (!element.target || !follow(sideOf(element))) continue;
    const home = context.moduleOf(element.target);
    byHome.set(home, [...(byHome.get(home) ?? []), element]);
  }
  if (kept.length === statement.exports.length) return 'keep';
  const typeOnly = (e: ExportElement) =>
    e.typeOnly || (!!e.target && e.target.group.every((s) => context.typescript.isInterfaceDeclaration(s.node) || context.typescript.isTypeAliasDeclaration(s.node)));
  const lines = [
    ...(kept.length ? [rewriteExports(statement, kept)] : []),
    ...[...byHome].map(([home, elements]) => exportListText(elements, typeOnly, `'${moduleSpecifier(module.path, home, context.importExtension)}'`)),
  ];
  return lines.length ? lines.join('\n') : 'remove';
}

/** `export { a, type B } from '...'`, or `export type { ... }` when every element is a type. */
function exportListText(elements: readonly ExportElement[], typeOnly: (e: ExportElement) => boolean, from?: string): string {
  const allTypes = elements.every(typeOnly);
  const list = elements.map((e) => `${typeOnly(e) && !allTypes ? 'type ' : ''}${e.local === e.exported ? e.local : `${e.local} as ${e.exported}`}`);
  return `export ${allTypes ? 'type ' : ''}{ ${list.join(', ')} }${from ? ` from ${from}` : ''};`;
}

/** `export { a, b as c };` with the elements left, `keep` when all are, `remove` when none is. */
function rewriteExports(statement: TopLevelStatement, elements: readonly ExportElement[]): 'keep' | 'remove' | string {
  if (elements.length === statement.exports.length) return 'keep';
  if (elements.length === 0) return 'remove';
  const node = statement.node as TS.ExportDeclaration;
  const list = elements.map(
    (e) => `${e.typeOnly && !node.isTypeOnly ? 'type ' : ''}${e.local === e.exported ? e.local : `${e.local} as ${e.exported}`}`,
  );
  const from = node.moduleSpecifier ? ` from ${node.moduleSpecifier.getText()}` : '';
  return `export ${node.isTypeOnly ? 'type ' : ''}{ ${list.join(', ')} }${from};`;
}

/**
 * Edits that replace some of a list of sibling statements and remove others: a run of
 * removed statements goes at once, with its doc comments and the blank lines before it (or,
 * at the top of the list, up to the next statement kept).
 */
function siblingEdits(
  ts: typeof TS,
  sourceFile: TS.SourceFile,
  siblings: readonly TS.Node[],
  fateOf: (node: TS.Node) => 'keep' | 'remove' | string,
  listStart?: number,
): TextEdit[] {
  const edits: TextEdit[] = [];
  for (let i = 0; i < siblings.length; i++) {
    const fate = fateOf(siblings[i]);
    if (fate === 'keep') continue;
    if (fate !== 'remove') {
      edits.push({ start: siblings[i].getStart(sourceFile), end: siblings[i].getEnd(), text: fate });
      continue;
    }
    let j = i;
    while (j + 1 < siblings.length && fateOf(siblings[j + 1]) === 'remove') j++;
    if (i > 0) edits.push({ start: siblings[i - 1].getEnd(), end: siblings[j].getEnd(), text: '' });
    else if (j + 1 < siblings.length) {
      edits.push({ start: attachedStart(ts, sourceFile, siblings[0]), end: attachedStart(ts, sourceFile, siblings[j + 1]), text: '' });
    } else edits.push({ start: listStart ?? attachedStart(ts, sourceFile, siblings[0]), end: siblings[j].getEnd(), text: '' });
    i = j;
  }
  return edits;
}

/** Edits that leave out blocks inside a statement (the other side's tests in a divided `describe`). */
function omitEdits(ts: typeof TS, sourceFile: TS.SourceFile, omitted: readonly TS.Node[]): TextEdit[] {
  const byBlock = new Map<TS.Block, Set<TS.Node>>();
  for (const node of omitted) {
    const block = node.parent as TS.Block;
    byBlock.set(block, (byBlock.get(block) ?? new Set()).add(node));
  }
  return [...byBlock].flatMap(([block, nodes]) =>
    siblingEdits(ts, sourceFile, block.statements, (node) => (nodes.has(node) ? 'remove' : 'keep'), block.getStart(sourceFile) + 1),
  );
}

/** The set-up that hosts, in a test's own process, the services its code now calls through a client. */
/**
 * What a test needs to host the services it reaches through clients since the split: the
 * imports, and a host of its own (`setup`), unless it has one already: then the entries go
 * into that host's `services` (see hostEntryEdits).
 */
function hostingOf(module: ModulePlan, origin: ModuleDeclarations, context: RenderContext): { imports: string[]; setup?: string; entries: string[] } | undefined {
  const hosts = module.test ? context.hostsOf(module) : [];
  if (hosts.length === 0) return undefined;
  const vitest = origin.imports.some((binding) => binding.specifier === 'vitest');
  // Endpoints the test imports by name and keeps importing (it calls them directly still)
  // are hosted by that name.
  const kept = new Set(module.statements.flatMap((s) => [...context.resolver.resolve(s, module).keeps]));
  const importedAs = (file: string, name: string) =>
    origin.imports.find(
      (b) => b.kind === 'named' && b.imported === name && !b.typeOnly && kept.has(b) && b.resolvedFile !== undefined && context.homeOf(b.resolvedFile) === file,
    )?.local;
  const hosting = testHosting(module.path, hosts, context.importExtension, context.namesIn(module), vitest, module.inPlace ? importedAs : undefined);
  if (!context.existingHostOf(module)) return hosting;
  // The host there is: its import of createHost serves, and it takes the entries.
  return { imports: hosting.imports.filter((line) => !line.includes(`from '@topo/runtime/host'`)), entries: hosting.entries };
}

/** The entries a test's own host takes since the split, after the services it lists already. */
function hostEntryEdits(statement: TopLevelStatement, module: ModulePlan, origin: ModuleDeclarations, context: RenderContext): TextEdit[] {
  const host = module.test ? context.existingHostOf(module) : undefined;
  if (!host || host.statement.pos !== statement.node.pos) return [];
  const entries = hostingOf(module, origin, context)?.entries ?? [];
  if (entries.length === 0) return [];
  const text = origin.sourceFile.text;
  const { elements } = host.services;
  const last = elements.at(-1);
  if (last) {
    const lineStart = text.lastIndexOf('\n', last.getStart(origin.sourceFile)) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    return [{ start: last.end, end: last.end, text: entries.map((entry) => `,\n${indent}${entry}`).join('') }];
  }
  const open = host.services.getStart(origin.sourceFile) + 1;
  return [{ start: open, end: open, text: entries.map((entry) => ` ${entry}`).join(',') + ' ' }];
}

/** `export ` before a declaration that other modules now import. */
function exportEdits(statement: TopLevelStatement, context: RenderContext): TextEdit[] {
  const ts = context.typescript;
  const leader = statement.group[0];
  const exportIt = context.resolver.mustExport.has(leader);
  if (!exportIt || statement.exported || statement.kind !== 'declaration') return [];
  const node = statement.node;
  const modifiers = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  if (modifiers.length) return [{ start: modifiers[0].getStart(), end: modifiers[0].getStart(), text: 'export ' }];
  if (decorators.length) {
    const end = decorators[decorators.length - 1].getEnd();
    return [{ start: end, end, text: ' export' }];
  }
  return [{ start: node.getStart(), end: node.getStart(), text: 'export ' }];
}

/** `new Service('hello', ...)` copied for the new service is `new Service('yo', ...)`. */
function serviceNameEdits(statement: TopLevelStatement, context: RenderContext): TextEdit[] {
  const ts = context.typescript;
  const edits: TextEdit[] = [];
  const visit = (node: TS.Node): void => {
    const name = ts.isNewExpression(node) ? node.arguments?.[0] : undefined;
    if (name && ts.isStringLiteralLike(name) && name.text === context.services.from) {
      const quote = name.getText()[0];
      edits.push({ start: name.getStart(), end: name.getEnd(), text: `${quote}${context.services.to}${quote}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(statement.node);
  return edits;
}

/**
 * The module specifiers inside a statement that name a file of the source's code whose code
 * went elsewhere, or that a statement written to another folder reaches by another relative
 * path: `import('./page-html')` and, in tests, `jest.mock('./store')`. Each is respelled to
 * where that code is now, in the style it was written.
 */
function specifierEdits(statement: TopLevelStatement, origin: ModuleDeclarations, module: ModulePlan, context: RenderContext): TextEdit[] {
  const start = statement.node.getStart(origin.sourceFile);
  const edits: TextEdit[] = [];
  for (const specifier of origin.specifiers) {
    if (specifier.kind !== 'dynamic' && !(specifier.kind === 'mock' && module.test)) continue;
    const { literal, resolvedFile } = specifier;
    if (literal.pos < start || literal.end > statement.node.end || !specifier.text.startsWith('.') || resolvedFile === undefined) continue;
    const home = context.homeOf(resolvedFile);
    if (home === resolvedFile && module.path === origin.file) continue;
    const quote = literal.getText(origin.sourceFile)[0];
    edits.push({ start: literal.getStart(origin.sourceFile), end: literal.end, text: `${quote}${respell(specifier.text, module.path, home)}${quote}` });
  }
  return edits;
}

/** An export-list element that must be written beside its declaration in the new module. */
function needsExportElement(element: ExportElement, context: RenderContext): boolean {
  if (element.local !== element.exported) return true;
  const target = element.target!;
  return !(target.exported || context.resolver.mustExport.has(target.group[0]));
}

/** `import './polyfill';` of the original file, pointed at from the new module. */
function sideEffectImports(ts: typeof TS, origin: ModuleDeclarations, module: string): string[] {
  return origin.statements
    .map((s) => s.node)
    .filter(
      (node): node is TS.ImportDeclaration =>
        ts.isImportDeclaration(node) && !node.importClause && ts.isStringLiteral(node.moduleSpecifier),
    )
    .map((node) => {
      const specifier = (node.moduleSpecifier as TS.StringLiteral).text;
      const target = specifier.startsWith('.') ? relativeSpecifier(module, posix.join(posix.dirname(origin.file), specifier)) : specifier;
      return `import '${target}';`;
    });
}

function sameTarget(existing: ImportBinding, binding: Binding, module: string): boolean {
  if (existing.kind !== binding.kind || (binding.kind === 'named' && existing.imported !== binding.imported)) return false;
  if (binding.file !== undefined) return existing.resolvedFile === binding.file;
  const spec = binding.specifier!;
  if (!spec.startsWith('.')) return existing.specifier === spec;
  return posix.join(posix.dirname(module), existing.specifier) === posix.join(posix.dirname(module), spec);
}

/**
 * Import declarations for `bindings`, one per module (a namespace or a default import on a
 * line of its own), `import type` where every name is a type, in the order first needed.
 */
export function importLines(bindings: readonly Binding[], module: string, importExtension: '' | '.js'): string[] {
  const groups = new Map<string, Binding[]>();
  // Imports that existed keep their order; new ones follow, in the order first needed.
  const ordered = dedupe(bindings)
    .map((binding, index) => ({ binding, index }))
    .sort((a, b) => (a.binding.order ?? Infinity) - (b.binding.order ?? Infinity) || a.index - b.index)
    .map(({ binding }) => binding);
  for (const binding of ordered) {
    const from = binding.file !== undefined ? moduleSpecifier(module, binding.file, importExtension) : binding.specifier!;
    groups.set(from, [...(groups.get(from) ?? []), binding]);
  }
  const lines: string[] = [];
  for (const [from, group] of groups) {
    for (const binding of group.filter((b) => b.kind === 'namespace')) {
      lines.push(`import ${binding.typeOnly ? 'type ' : ''}* as ${binding.local} from '${from}';`);
    }
    for (const binding of group.filter((b) => b.kind === 'default')) {
      lines.push(`import ${binding.typeOnly ? 'type ' : ''}${binding.local} from '${from}';`);
    }
    const named = group.filter((b) => b.kind === 'named');
    if (named.length) {
      const allTypes = named.every((b) => b.typeOnly);
      const elements = named.map(
        (b) => `${b.typeOnly && !allTypes ? 'type ' : ''}${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`}`,
      );
      lines.push(`import ${allTypes ? 'type ' : ''}{ ${elements.join(', ')} } from '${from}';`);
    }
  }
  return lines;
}

/** An import declaration reprinted with only some of its names, and maybe more. */
function importDeclarationText(
  declaration: TS.ImportDeclaration,
  bindings: readonly ImportBinding[],
  extra: readonly Binding[] = [],
): string {
  const clause = declaration.importClause!;
  const from = declaration.moduleSpecifier.getText();
  const parts: string[] = [];
  const defaultBinding = bindings.find((b) => b.kind === 'default');
  if (defaultBinding) parts.push(defaultBinding.local);
  const namespace = bindings.find((b) => b.kind === 'namespace');
  if (namespace) parts.push(`* as ${namespace.local}`);
  const named = [
    ...bindings.filter((b) => b.kind === 'named').map((b) => ({ imported: b.imported, local: b.local, typeOnly: b.typeOnly })),
    ...extra.map((b) => ({ imported: b.imported, local: b.local, typeOnly: b.typeOnly })),
  ];
  const allTypes = clause.isTypeOnly && extra.every((b) => b.typeOnly);
  if (named.length) {
    const elements = named.map(
      (b) => `${b.typeOnly && !allTypes ? 'type ' : ''}${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`}`,
    );
    parts.push(`{ ${elements.join(', ')} }`);
  }
  return `import ${allTypes ? 'type ' : ''}${parts.join(', ')} from ${from};`;
}

/** Whether `binding` can be added to an import declaration of the same module. */
function canJoin(ts: typeof TS, declaration: TS.ImportDeclaration, staying: readonly ImportBinding[], binding: Binding): boolean {
  if (staying[0].resolvedFile !== binding.file) return false;
  const clause = declaration.importClause;
  if (!clause || (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings))) return false;
  // `import type D, { x }` is not TypeScript: a type-only default import takes no names.
  return !(clause.name && clause.isTypeOnly);
}

/** One binding per local name; a name used as a value anywhere is imported as a value. */
function dedupe(bindings: readonly Binding[]): Binding[] {
  const byLocal = new Map<string, Binding>();
  for (const binding of bindings) {
    const known = byLocal.get(binding.local);
    byLocal.set(
      binding.local,
      known
        ? { ...known, typeOnly: known.typeOnly && binding.typeOnly, order: Math.min(known.order ?? Infinity, binding.order ?? Infinity) }
        : binding,
    );
  }
  return [...byLocal.values()];
}

/**
 * Where a statement's text begins: its first token, or the first of the comments right above
 * it (a doc comment belongs to its declaration; a comment followed by a blank line does not).
 * The file's header (a licence, a comment on the whole file) belongs to no statement.
 */
export function attachedStart(ts: typeof TS, sourceFile: TS.SourceFile, node: TS.Node): number {
  const text = sourceFile.text;
  let start = node.getStart(sourceFile);
  const header = node === sourceFile.statements[0] ? fileHeader(ts, sourceFile) : undefined;
  const comments = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  for (let i = comments.length - 1; i >= 0; i--) {
    if (header && comments[i].pos < header.end) break;
    let newlines = 0;
    for (let p = comments[i].end; p < start; p++) if (text[p] === '\n') newlines++;
    if (newlines > 1) break;
    start = comments[i].pos;
  }
  return start;
}

/**
 * The comments at the top of a file that speak for the whole file (a licence header, what the
 * module is for): those above its first statement, except the doc comment of a first
 * declaration. They stay with the file, and every module the split makes of it starts with them.
 */
export function fileHeader(ts: typeof TS, sourceFile: TS.SourceFile): { start: number; end: number; text: string } | undefined {
  const first = sourceFile.statements[0];
  if (!first) return undefined;
  const text = sourceFile.text;
  const comments = ts.getLeadingCommentRanges(text, first.getFullStart()) ?? [];
  let last = comments.length - 1;
  const declaration = !ts.isImportDeclaration(first) && !ts.isExportDeclaration(first) && !ts.isExpressionStatement(first);
  if (declaration && last >= 0) {
    // The run of comments right above the declaration, from its doc comment down, is its own;
    // what is above that run (a licence, set apart or not) is the file's.
    const start = first.getStart(sourceFile);
    let own = comments.length;
    for (let i = comments.length - 1; i >= 0; i--) {
      const gap = text.slice(comments[i].end, i === comments.length - 1 ? start : comments[i + 1].pos);
      if ((gap.match(/\n/g) ?? []).length > 1) break;
      own = i;
      if (text.startsWith('/**', comments[i].pos)) break;
    }
    last = own - 1;
  }
  if (last < 0) return undefined;
  return { start: comments[0].pos, end: comments[last].end, text: text.slice(comments[0].pos, comments[last].end) };
}

function shift(edit: TextEdit, by: number): TextEdit {
  return { start: edit.start + by, end: edit.end + by, text: edit.text };
}
