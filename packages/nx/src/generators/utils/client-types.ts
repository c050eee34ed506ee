import { names, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import type * as TS from 'typescript';
import { createModuleResolver, readModuleSyntax, treeHost, typescript } from '../../analysis';
import { freshName } from './identifiers';
import { moduleSpecifier } from './specifiers';
import { applyTextEdits, type TextEdit } from './text-edits';

/**
 * Changes which endpoint modules a client module types itself from, touching only the lines
 * that must change: an `import type * as x from '...'` goes (with its `typeof x` in the
 * client's type) for each module `drop` names or that no longer exists, and one is added
 * (with `& typeof x`) for each module of `add` it does not import yet: named as the client
 * names its others (after the module, or `<module>Endpoints`), in the order of their
 * specifiers when they keep one. Returns false when the file is not a client module it can
 * read (no `client<...>(...)` typed by `typeof` of its imports): the caller writes one.
 *
 * @example
 * editClientTypes(tree, 'apps/api/services/hello/client.ts', { drop: ['apps/api/services/hello/yo.ts'], add: [] }, '');
 */
export function editClientTypes(
  tree: Tree,
  clientFile: string,
  change: { drop: ReadonlySet<string>; add: readonly string[] },
  importExtension: '' | '.js',
): boolean {
  const ts = typescript();
  const text = tree.read(clientFile, 'utf-8');
  if (text === null) return false;
  const module = readModuleSyntax(clientFile, text);
  const resolver = createModuleResolver(treeHost(tree));
  const typeImports = module.imports
    .filter((i) => i.typeOnly && i.bindings.length === 1 && i.bindings[0].imported === '*')
    .map((i) => ({ syntax: i, alias: i.bindings[0].local, file: resolver.resolve(clientFile, i.specifier) }));
  const typeArgument = findClientTypeArgument(ts, module.sourceFile);
  if (!typeArgument) return false;
  const members = ts.isIntersectionTypeNode(typeArgument) ? [...typeArgument.types] : [typeArgument];
  const queried = members.map((member) => (ts.isTypeQueryNode(member) && ts.isIdentifier(member.exprName) ? member.exprName.text : undefined));
  if (queried.includes(undefined)) return false;

  // A module that is gone (the split deleted it) goes too.
  const dropped = typeImports.filter((i) => i.file === undefined || change.drop.has(i.file));
  const present = new Set(typeImports.filter((i) => !dropped.includes(i)).map((i) => i.file));
  const added = [...new Set(change.add)].filter((file) => !present.has(file));
  if (dropped.length === 0 && added.length === 0) return true;
  const keptMembers = members.filter((_, index) => !dropped.some((i) => i.alias === queried[index]));
  if (keptMembers.length === 0 && added.length === 0) return false;

  const edits: TextEdit[] = [];
  for (const { syntax } of dropped) {
    const start = syntax.node.getStart(module.sourceFile);
    const end = text[syntax.node.end] === '\n' ? syntax.node.end + 1 : syntax.node.end;
    edits.push({ start, end, text: '' });
  }
  const taken = new Set(module.bindingNames);
  const stemOf = (file: string) => names(posix.basename(file).replace(/\.[cm]?tsx?$/, '')).propertyName;
  // Aliases named as the client's others are: after their module (`stock`), else `stockEndpoints`.
  const kept = typeImports.filter((i) => !dropped.includes(i));
  const byModule = kept.length > 0 && kept.every((i) => i.file !== undefined && i.alias === stemOf(i.file));
  const additions = added.map((file) => {
    const alias = freshName(byModule ? stemOf(file) : `${stemOf(file)}Endpoints`, taken);
    const specifier = moduleSpecifier(clientFile, file, importExtension);
    return { alias, specifier, line: `import type * as ${alias} from '${specifier}';` };
  });
  // In the order of their specifiers when the client's type imports keep one, else after them.
  const inOrder = kept.length > 0 && kept.every((i, n) => n === 0 || kept[n - 1].syntax.specifier <= i.syntax.specifier);
  const placed = inOrder ? [...additions].sort((a, b) => (a.specifier < b.specifier ? -1 : a.specifier > b.specifier ? 1 : 0)) : additions;
  for (const addition of placed) {
    const next = inOrder ? kept.find((i) => addition.specifier < i.syntax.specifier) : undefined;
    if (next) {
      const at = next.syntax.node.getStart(module.sourceFile);
      edits.push({ start: at, end: at, text: `${addition.line}\n` });
      continue;
    }
    const last = typeImports.at(-1)?.syntax.node ?? module.imports.at(-1)?.node;
    const at = last ? last.end : 0;
    edits.push({ start: at, end: at, text: `${last ? '\n' : ''}${addition.line}${last ? '' : '\n'}` });
  }
  const typeText = [...keptMembers.map((member) => member.getText(module.sourceFile)), ...additions.map((a) => `typeof ${a.alias}`)].join(' & ');
  edits.push({ start: typeArgument.getStart(module.sourceFile), end: typeArgument.end, text: typeText });
  tree.write(clientFile, applyTextEdits(text, edits));
  return true;
}

/** The `T` of `client<T>('name')`. */
function findClientTypeArgument(ts: typeof TS, sourceFile: TS.SourceFile): TS.TypeNode | undefined {
  let found: TS.TypeNode | undefined;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && node.typeArguments?.length === 1 && ts.isIdentifier(node.expression) && node.expression.text === 'client') {
      found = node.typeArguments[0];
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}
