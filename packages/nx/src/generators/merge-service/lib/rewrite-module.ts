import { posix } from 'node:path';
import { bindingNamesIn, type DeclarationGraph, type ImportBinding, isInside, type ModuleDeclarations, typescript } from '../../../analysis';
import { freshName } from '../../utils/identifiers';
import { relativeSpecifier, respell } from '../../utils/specifiers';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';
import type { MergedNames } from './merged-file-names';

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
  /**
   * What the analysis read of every module the merge rewrites: its specifiers, its imports
   * and, resolved by the type checker, every reference to them.
   */
  readonly graph: DeclarationGraph;
  /** Files of the merged service and where they go. */
  readonly moves: ReadonlyMap<string, string>;
  /** The merged and the remaining service's service.ts: imports of the first go to the second. */
  readonly serviceFiles: { readonly from: string; readonly into: string };
  /** The remaining service's folder: a client call made from below it becomes a direct call. */
  readonly into: string;
  /** The services' names: the merged service's tests are titled after the remaining one. */
  readonly names: MergedNames;
  /** Path aliases that follow the module they name: an import by such an alias stays as written. */
  readonly aliases: ReadonlySet<string>;
  readonly conversions: readonly ClientConversion[];
  readonly importExtension: '' | '.js';
  /** What could not be rewritten, as `file:line: why`. */
  readonly problems: string[];
}

/**
 * The text of `file` after the merge. Every module specifier that names a file of the merged
 * service, or that the move takes to another folder, is respelled (relative, in the style it
 * was written: extension, folder index). An import of a client is rewritten per its
 * conversion: below the remaining service, `yo.h2(x)` becomes `h2(x)` with `h2` imported
 * from its module; elsewhere `yo` becomes the remaining service's client. What it cannot
 * rewrite goes to `context.problems`. A test of the merged service that moves has its
 * `describe('yo', ...)` titled `describe('hello', ...)`.
 *
 * @example
 * rewriteModule(context, 'apps/api/services/hello/hello.ts'); // yo.h2(x) -> h2(x), import { h2 } from './yo'
 */
export function rewriteModule(context: RewriteContext, file: string): string {
  const module = context.graph.modules.get(file)!;
  const source = module.sourceFile;
  const newPath = context.moves.get(file) ?? file;
  const edits: TextEdit[] = [];
  const taken = bindingNamesIn(source, new Set());
  const line = (at: number) => `${file}:${at}`;

  for (const specifier of module.specifiers) {
    const { literal, text: written, resolvedFile: target } = specifier;
    const conversion = target === undefined ? undefined : context.conversions.find((c) => c.clientFile === target && (!c.onlyFrom || c.onlyFrom.has(file)));
    if (conversion) {
      const declaration = specifier.kind === 'import' ? module.imports.find((binding) => binding.declaration.moduleSpecifier === literal)?.declaration : undefined;
      if (!declaration) {
        context.problems.push(
          `${line(specifier.line)}: ${specifier.kind === 'export' ? 're-exports' : 'loads'} the client of "${conversion.service}" (${written}); only \`import { client } from '...'\` can be rewritten`,
        );
        continue;
      }
      convertClientImport(context, module, declaration, conversion, newPath, taken, edits);
      continue;
    }
    const destination = target === undefined ? undefined : target === context.serviceFiles.from ? context.serviceFiles.into : (context.moves.get(target) ?? target);
    const relative = written.startsWith('./') || written.startsWith('../');
    if (!relative && context.aliases.has(written)) continue;
    if (destination !== undefined && (destination !== target || (newPath !== file && relative))) {
      edits.push(replaceLiteral(source.text, literal.getStart(source), literal.end, respell(written, newPath, destination)));
    } else if (destination === undefined && relative && newPath !== file) {
      // Not a module the resolver knows (a JSON file, a stylesheet): the same file, from the new folder.
      const joined = posix.join(posix.dirname(file), written);
      edits.push(replaceLiteral(source.text, literal.getStart(source), literal.end, relativeSpecifier(newPath, context.moves.get(joined) ?? joined)));
    }
  }
  return applyTextEdits(source.text, edits);
}

/**
 * `import { yo } from '../yo/client'`: below the remaining service each `yo.h2` becomes `h2`,
 * imported from its module; elsewhere `yo` becomes the remaining service's client.
 */
function convertClientImport(
  context: RewriteContext,
  module: ModuleDeclarations,
  declaration: ImportBinding['declaration'],
  conversion: ClientConversion,
  newPath: string,
  taken: Set<string>,
  edits: TextEdit[],
): void {
  const source = module.sourceFile;
  const lineOf = (node: { getStart(file: typeof source): number }) => `${module.file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const bindings = module.imports.filter((binding) => binding.declaration === declaration);
  if (bindings.length !== 1 || bindings[0].kind !== 'named') {
    context.problems.push(`${lineOf(declaration)}: imports the client of "${conversion.service}" as something other than one named import`);
    return;
  }
  const [binding] = bindings;
  const references = module.statements.flatMap((statement) => statement.references.filter((reference) => reference.via === binding));
  for (const element of module.statements.flatMap((statement) => statement.exports.filter((e) => e.via === binding))) {
    context.problems.push(`${lineOf(element.node)}: re-exports the client of "${conversion.service}"; merged, its endpoints are functions of this service`);
  }
  const direct = isInside(newPath, context.into) || !conversion.redirect;
  if (!direct) {
    const redirect = conversion.redirect!;
    const existing = existingImport(module, redirect.clientFile);
    // The client's own name goes with its import: the new one may take it.
    taken.delete(binding.local);
    const name = existing ?? freshName(redirect.exportName, taken);
    for (const reference of references) edits.push({ start: reference.node.getStart(source), end: reference.node.end, text: name });
    const statement = existing
      ? ''
      : `import ${binding.typeOnly ? 'type ' : ''}{ ${name === redirect.exportName ? name : `${redirect.exportName} as ${name}`} } from '${respell(binding.specifier, newPath, redirect.clientFile)}';`;
    edits.push(replaceStatement(source.text, declaration.getStart(source), declaration.end, statement));
    return;
  }

  const ts = typescript();
  const imports = new Map<string, Map<string, string>>(); // module -> endpoint -> local name
  for (const reference of references) {
    const access = reference.node.parent;
    const endpoint = ts.isPropertyAccessExpression(access) && access.expression === reference.node ? access.name.text : undefined;
    const target = endpoint === undefined ? undefined : conversion.endpoints.get(endpoint);
    if (!target || endpoint === undefined) {
      context.problems.push(
        `${lineOf(reference.node)}: uses the client of "${conversion.service}" as a value (\`${access.getText(source)}\`); merged, its endpoints are functions of this service`,
      );
      continue;
    }
    let name: string;
    const imported = module.imports.find(
      (other) => other.kind === 'named' && other.imported === endpoint && other.resolvedFile !== undefined && (context.moves.get(other.resolvedFile) ?? other.resolvedFile) === target,
    );
    if (target === newPath) name = endpoint;
    // The module imports the endpoint already (a test host names it): the call takes that name.
    else if (imported) name = imported.local;
    else {
      const names = imports.get(target) ?? new Map<string, string>();
      imports.set(target, names);
      name = names.get(endpoint) ?? freshName(endpoint, taken);
      names.set(endpoint, name);
    }
    edits.push({ start: access.getStart(source), end: access.end, text: name });
  }
  const statements = [...imports].map(([target, names]) => {
    const list = [...names].map(([endpoint, name]) => (endpoint === name ? name : `${endpoint} as ${name}`)).join(', ');
    return `import { ${list} } from '${respell(binding.specifier, newPath, target)}';`;
  });
  edits.push(replaceStatement(source.text, declaration.getStart(source), declaration.end, statements.join('\n')));
}

/** A statement's replacement; an empty one takes the statement's line with it. */
function replaceStatement(text: string, start: number, end: number, replacement: string): TextEdit {
  return { start, end: replacement === '' && text[end] === '\n' ? end + 1 : end, text: replacement };
}

/** The local name of an existing named import of `clientFile`'s client in the module, if any. */
function existingImport(module: ModuleDeclarations, clientFile: string): string | undefined {
  const declarations = new Set(module.imports.filter((binding) => binding.resolvedFile === clientFile).map((binding) => binding.declaration));
  for (const declaration of declarations) {
    const bindings = module.imports.filter((binding) => binding.declaration === declaration);
    if (bindings.length === 1 && bindings[0].kind === 'named') return bindings[0].local;
  }
  return undefined;
}

function replaceLiteral(text: string, start: number, end: number, specifier: string): TextEdit {
  const quote = text[start];
  return { start, end, text: `${quote}${specifier}${quote}` };
}
