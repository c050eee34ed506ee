import type * as TS from 'typescript';

/**
 * `base`, or `base2`, `base3`... whichever `taken` does not hold; the name is added to
 * `taken`. How generators name a new import or alias without clashing.
 *
 * @example
 * freshName('endpoints', new Set(['endpoints'])); // 'endpoints2'
 */
export function freshName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}

/**
 * Whether an identifier names a member or a label, not a binding: `x.yo`, `{ yo: 1 }`,
 * `{ yo() {} }`, `A.yo` in a type, `{ yo: local } = x`, `import { yo as local }`. Such a
 * name cannot clash with an import; every other identifier can.
 */
export function isMemberName(ts: typeof TS, node: TS.Identifier): boolean {
  const parent = node.parent;
  if (
    (ts.isPropertyAccessExpression(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) ||
      ts.isEnumMember(parent)) &&
    parent.name === node
  ) {
    return true;
  }
  if (ts.isQualifiedName(parent) && parent.right === node) return true;
  if ((ts.isBindingElement(parent) || ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === node) return true;
  return ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent);
}

/** Every identifier below `node` that is not a member name (see isMemberName), into `names`. */
export function collectBindingNames(ts: typeof TS, node: TS.Node, names: Set<string>): Set<string> {
  const visit = (child: TS.Node): void => {
    if (ts.isIdentifier(child) && !isMemberName(ts, child)) names.add(child.text);
    ts.forEachChild(child, visit);
  };
  visit(node);
  return names;
}
