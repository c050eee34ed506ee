import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * Where a generated service keeps the endpoints its client exposes, read from its client
 * module (`client.ts`), which imports them type-only:
 * `import type * as endpoints from './yo'; export const yo = client<typeof endpoints>('yo');`
 */
export interface ServiceSource {
  name: string;
  /** The service's folder (where `service.ts` is). */
  dir: string;
  clientFile: string;
  /** The module whose exports are the endpoints that the client exposes. */
  endpointFile: string;
  /** Whether the generated code writes relative imports with a `.js` extension (ESM). */
  importsWithJsExtension: boolean;
}

export function readServiceSource(name: string, dir: string): ServiceSource {
  const clientFile = path.join(dir, 'client.ts');
  if (!fs.existsSync(clientFile)) throw new Error(`Service ${name} has no client module: ${clientFile} is missing.`);
  const source = ts.createSourceFile(clientFile, fs.readFileSync(clientFile, 'utf8'), ts.ScriptTarget.Latest, true);
  const relativeImports = source.statements
    .filter(ts.isImportDeclaration)
    .map((declaration) => declaration.moduleSpecifier)
    .filter(ts.isStringLiteral)
    .map((specifier) => specifier.text)
    .filter((specifier) => specifier.startsWith('.'));
  const namespaceTypeImport = source.statements.find(
    (statement): statement is ts.ImportDeclaration =>
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text.startsWith('.') &&
      statement.importClause?.isTypeOnly === true &&
      statement.importClause.namedBindings !== undefined &&
      ts.isNamespaceImport(statement.importClause.namedBindings),
  );
  if (!namespaceTypeImport) {
    throw new Error(
      `${clientFile} does not import its endpoints as \`import type * as endpoints from './…'\`; ` +
        `the e2e test cannot tell where service ${name} keeps them.`,
    );
  }
  const specifier = (namespaceTypeImport.moduleSpecifier as ts.StringLiteral).text;
  return {
    name,
    dir,
    clientFile,
    endpointFile: resolveTsModule(path.resolve(dir, specifier)),
    importsWithJsExtension: relativeImports.some((s) => s.endsWith('.js')),
  };
}

function resolveTsModule(target: string): string {
  const withoutJs = target.replace(/\.js$/, '');
  const candidates = [`${withoutJs}.ts`, path.join(withoutJs, 'index.ts')];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`None of ${candidates.join(', ')} exists.`);
  return found;
}

/** The specifier that `from` uses to import `toFile`, in the style the generated code uses. */
export function relativeSpecifier(from: ServiceSource, toFile: string): string {
  let specifier = path.relative(path.dirname(from.endpointFile), toFile).split(path.sep).join('/');
  specifier = specifier.replace(/\.ts$/, from.importsWithJsExtension ? '.js' : '');
  return specifier.startsWith('.') ? specifier : `./${specifier}`;
}

/**
 * Adds code to a service's endpoint module: `imports` at the top (an import may follow
 * none of the statements), `body` at the end.
 */
export function addToEndpointModule(service: ServiceSource, imports: string, body: string): void {
  const current = fs.readFileSync(service.endpointFile, 'utf8');
  fs.writeFileSync(service.endpointFile, `${imports.trim()}\n${current.trimEnd()}\n\n${body.trim()}\n`);
}
