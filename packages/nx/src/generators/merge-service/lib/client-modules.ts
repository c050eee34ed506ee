import type { Tree } from '@nx/devkit';
import { createModuleResolver, readModuleSyntax, treeHost, typescript } from '../../../analysis';

/** An endpoint the remaining service's client must type, and the module that declares it after the merge. */
export interface TypedEndpoint {
  readonly name: string;
  readonly module: string;
}

/**
 * The endpoint modules the client must add to the modules it types itself from: those
 * declaring an endpoint that none of its modules exports, by name or through `export *`
 * (an index that re-exports the endpoint modules types them all).
 *
 * @example
 * untypedEndpointModules(tree, 'apps/notebook/services/notes/client.ts', [{ name: 'tagNote', module: '.../endpoints/write.ts' }]); // []
 */
export function untypedEndpointModules(tree: Tree, clientFile: string, endpoints: readonly TypedEndpoint[]): string[] {
  const host = treeHost(tree);
  const resolver = createModuleResolver(host);
  const client = readModuleSyntax(clientFile, host.read(clientFile) ?? '');
  const typed = new Set<string>();
  for (const statement of client.imports) {
    if (!statement.bindings.some((binding) => binding.imported === '*' && binding.typeOnly)) continue;
    const file = resolver.resolve(clientFile, statement.specifier);
    if (file) for (const name of exportedNames(file, (from, specifier) => resolver.resolve(from, specifier), (f) => host.read(f))) typed.add(name);
  }
  return [...new Set(endpoints.filter((endpoint) => !typed.has(endpoint.name)).map((endpoint) => endpoint.module))];
}

/** Every name a module exports, through `export * from` too. */
function exportedNames(
  file: string,
  resolve: (from: string, specifier: string) => string | undefined,
  read: (file: string) => string | undefined,
  seen = new Set<string>(),
): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const ts = typescript();
  const module = readModuleSyntax(file, read(file) ?? '');
  for (const name of module.exports) names.add(name);
  for (const statement of module.sourceFile.statements) {
    if (!ts.isExportDeclaration(statement) || statement.exportClause || statement.isTypeOnly || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const target = resolve(file, statement.moduleSpecifier.text);
    if (target) for (const name of exportedNames(target, resolve, read, seen)) if (name !== 'default') names.add(name);
  }
  return names;
}
