import { posix } from 'node:path';
import type * as TS from 'typescript';
import type { EndpointInfo, ImportBinding, TopLevelReference, TopLevelStatement } from '../../../analysis';
import type { Side } from './classify-declarations';
import { relativeSpecifier } from '../../utils/specifiers';
import type { SplitProblem } from './split-problem';
import type { TextEdit } from '../../utils/text-edits';
import type { DatabaseTwin } from './split-databases';

/** Whose code a module is after the split. */
export type Owner = 'source' | 'new' | 'shared' | 'other';

/** A module the split writes: a file rewritten in place, or a new one. */
export interface ModulePlan {
  /** Workspace-relative path written. */
  readonly path: string;
  readonly owner: Owner;
  /** Test code may call endpoints directly. */
  readonly test: boolean;
  /** The original file rewritten where it is (its imports still apply), rather than a new module. */
  readonly inPlace: boolean;
  /** The file its statements come from. */
  readonly origin: string;
  /** The statements written to it, in their original order (in place: those kept). */
  readonly statements: readonly TopLevelStatement[];
  /** Blocks inside some of those statements that this module leaves out (a divided `describe`). */
  readonly omit?: ReadonlyMap<TopLevelStatement, readonly TS.Node[]>;
  /** The new service's service.ts, a copy of the source's under the new name. */
  readonly serviceMarker?: boolean;
}

/** A name a module has to import. */
export interface Binding {
  local: string;
  kind: 'named' | 'default' | 'namespace';
  /** The export's name for `named`. */
  imported: string;
  /** A workspace file, written as a relative specifier from the importing module... */
  file?: string;
  /** ...or a specifier kept as written (packages, path mappings). */
  specifier?: string;
  typeOnly: boolean;
  /** Where the original import was, for imports that existed before: new imports keep that order. */
  order?: number;
}

export type { TextEdit };

/** What writing one statement into one module takes. */
export interface ResolvedStatement {
  /** Edits inside the statement, at offsets of its original file. */
  edits: TextEdit[];
  /** Names to import. */
  bindings: Binding[];
  /** Imports of the original file that still serve it (in place only). */
  keeps: Set<ImportBinding>;
  /** Services it now calls through their client where it did not before: `yo` for `h2(x)` -> `yo.h2(x)`. */
  calls: Set<string>;
}

/** A service's client module. */
export interface ClientModule {
  service: string;
  file: string;
  /** The name it exports the client as. */
  exportName: string;
}

export interface ResolverContext {
  typescript: typeof TS;
  source: string;
  target: string;
  /** Where each top-level statement of the source's code goes. */
  sides: ReadonlyMap<TopLevelStatement, Side>;
  endpointOf(statement: TopLevelStatement): EndpointInfo | undefined;
  /** The module a statement of the source's code is written to. */
  moduleOf(statement: TopLevelStatement): string;
  clients: { source: ClientModule; target: ClientModule };
  /** Export names of the endpoints that move. */
  moved: ReadonlySet<string>;
  /** Every identifier a module's code already uses, so that new imports do not clash. */
  namesIn(module: ModulePlan): ReadonlySet<string>;
  /** The source service's code files (tests, service.ts and client.ts aside). */
  codeFiles: ReadonlySet<string>;
  /** The module an exact `paths` alias names after the split, when the split moves its module whole. */
  aliasHome(specifier: string): string | undefined;
  /** Where a file's code is after the split: one module when it all goes there, else the file itself. */
  homeOf(file: string): string;
  /** The source's service.ts and the new service's. */
  serviceFiles: { source: string; target: string };
  /** Database handles both sides use: the source keeps each, and the new service declares its own in `home`. */
  twins: ReadonlyMap<TopLevelStatement, DatabaseTwin>;
}

const OWNER_OF_SIDE: Record<Side, Owner> = { stay: 'source', move: 'new', share: 'shared' };
const OWN_SIDE: Record<Owner, Side | undefined> = { source: 'stay', new: 'move', shared: 'share', other: undefined };

/**
 * Works out, for a statement written into a module, what each of its references becomes:
 * unchanged (its import still serves it), a new import of the declaration's new home, or a
 * client call (`h2(x)` across the split becomes `yo.h2(x)`, `hello.h2(x)` becomes
 * `yo.h2(x)`). References it cannot rewrite safely are recorded as problems; declarations
 * that other modules now import are recorded to be exported.
 */
export class ReferenceResolver {
  readonly problems: SplitProblem[] = [];
  /** Declarations (first statement of their group) that must be exported from their new home. */
  readonly mustExport = new Set<TopLevelStatement>();
  private readonly resolved = new Map<ModulePlan, Map<TopLevelStatement, ResolvedStatement>>();
  /** Per module, the local name of each client it calls (by client file). */
  private readonly clientLocals = new Map<ModulePlan, Map<string, string>>();

  constructor(private readonly context: ResolverContext) {}

  /** Resolves `statement` as written into `module` (cached). */
  resolve(statement: TopLevelStatement, module: ModulePlan): ResolvedStatement {
    let byStatement = this.resolved.get(module);
    if (!byStatement) this.resolved.set(module, (byStatement = new Map()));
    let result = byStatement.get(statement);
    if (!result) {
      result = { edits: [], bindings: [], keeps: new Set(), calls: new Set() };
      for (const reference of referencesIn(statement, module)) this.resolveReference(statement, reference, module, result);
      // The new service's own handle: `SQLDatabase.named('orders')`, or a new database's name.
      const twin = module.owner === 'new' ? this.context.twins.get(statement) : undefined;
      if (twin) result.edits.push(...twin.edits);
      byStatement.set(statement, result);
    }
    return result;
  }

  /** The local name `module` calls `client` by: the one it imports already, or a free one. */
  clientLocal(module: ModulePlan, client: ClientModule): string {
    let locals = this.clientLocals.get(module);
    if (!locals) this.clientLocals.set(module, (locals = new Map()));
    const known = locals.get(client.file);
    if (known) return known;
    const existing = module.statements
      .flatMap((s) => s.references)
      .map((r) => r.via)
      .find((via) => via?.resolvedFile === client.file && via.kind === 'named' && via.imported === client.exportName);
    let local = existing?.local;
    if (!local) {
      const taken = this.context.namesIn(module);
      const used = new Set(locals.values());
      local = client.exportName;
      for (let n = 1; taken.has(local) || used.has(local); n++) local = `${client.exportName}Client${n > 1 ? n : ''}`;
    }
    locals.set(client.file, local);
    return local;
  }

  private resolveReference(
    statement: TopLevelStatement,
    reference: TopLevelReference,
    module: ModulePlan,
    result: ResolvedStatement,
  ): void {
    const { context } = this;
    const target = reference.target;
    const side = target && context.sides.get(target);
    if (target && side) {
      this.resolveSourceReference(statement, reference, target, side, module, result);
      return;
    }
    const via = reference.via;
    if (via) {
      const movedCall = this.movedClientCall(reference);
      if (movedCall) {
        this.clientCall(movedCall.receiver, context.clients.target, movedCall.endpoint, module, result, false);
        return;
      }
      // The shared library may call a third service, not the service it was split from.
      if (module.owner === 'shared' && via.resolvedFile === context.clients.source.file && !reference.inType) {
        this.problem(
          statement,
          reference,
          `"${statement.names[0] ?? 'This code'}" is used by both "${context.source}" and "${context.target}", so it would go to the shared library, but it calls "${context.source}" through its client; the shared library cannot call either side of the split without a cycle of imports between the services.`,
          `Move the call into the endpoints that need it (or keep the code on one side only), then run the split again.`,
        );
        return;
      }
      if (module.inPlace) {
        result.keeps.add(via);
        return;
      }
      if (via.resolvedFile === module.path) return;
      if (via.resolvedFile === context.serviceFiles.source && module.owner === 'new') {
        // Moved code that uses its service object uses the new service's.
        result.bindings.push({
          local: via.local,
          kind: via.kind,
          imported: via.imported,
          file: context.serviceFiles.target,
          typeOnly: via.typeOnly,
          order: via.node.pos,
        });
        return;
      }
      if (via.kind === 'namespace' && !reference.member && via.resolvedFile && context.codeFiles.has(via.resolvedFile)) {
        this.problem(
          statement,
          reference,
          `The namespace import "${via.local}" of ${via.specifier} is used as a whole, and the split divides that module.`,
          `Import the names you use (\`import { a, b } from '${via.specifier}'\`), then run the split again.`,
        );
        return;
      }
      result.bindings.push({
        local: via.local,
        kind: via.kind,
        imported: via.imported,
        ...this.importTarget(via, statement.file, module.path),
        typeOnly: via.typeOnly || reference.inType,
        order: via.node.pos,
      });
    }
    // A reference to a declaration of a file outside the source's code that is not imported:
    // one of the file's own, written beside it (in place, or a test helper copied with its tests).
  }

  private resolveSourceReference(
    statement: TopLevelStatement,
    reference: TopLevelReference,
    target: TopLevelStatement,
    side: Side,
    module: ModulePlan,
    result: ResolvedStatement,
  ): void {
    const { context } = this;
    const ts = context.typescript;
    const endpoint = context.endpointOf(target);
    const targetOwner = OWNER_OF_SIDE[side];
    // Tests of other services keep calling the code they import; the source's and the new
    // service's own tests reach the other side through its client, as their code does.
    if (endpoint && targetOwner !== module.owner && !reference.inType && !(module.test && module.owner === 'other')) {
      this.endpointCall(statement, reference, endpoint, targetOwner, module, result);
      return;
    }
    // A module rewritten in place keeps an import of what goes where the module goes, while
    // the module it imports from is still there for it: in the source, a file with code that
    // stays; in the new service, a file that moves whole.
    const viaFile = reference.via?.resolvedFile;
    const importStillServes =
      viaFile === undefined ||
      !context.codeFiles.has(viaFile) ||
      (module.owner === 'source' ? context.homeOf(viaFile) === viaFile : context.homeOf(viaFile) !== viaFile);
    if (module.inPlace && side === OWN_SIDE[module.owner] && importStillServes) {
      if (reference.via) result.keeps.add(reference.via);
      return;
    }
    // The new service's code uses its own handle on a database both sides use.
    const home = (module.owner === 'new' && context.twins.get(target)?.home) || context.moduleOf(target);
    if (home === module.path) {
      // Same module: a namespace access to it would need the module to import itself.
      if (reference.member) result.edits.push(this.replace(reference.member, memberName(reference.member)));
      return;
    }
    this.mustExport.add(target.group[0]);
    const via = reference.via;
    const typeOnly =
      reference.inType || (via?.typeOnly ?? false) || target.group.every((s) => isTypeDeclaration(context.typescript, s.node));
    const order = via?.node.pos;
    if (via && reference.member) {
      // `ns.x` through a namespace import, or through a module a barrel re-exports
      // (`export * as ns`): the module `ns` names is imported whole from where `x` is now.
      const path = ts.isPropertyAccessExpression(reference.member) ? reference.member.expression : reference.member.left;
      if (path === reference.node) {
        result.bindings.push({ local: via.local, kind: 'namespace', imported: '*', file: home, typeOnly, order });
        return;
      }
      // `barrel.ns.x`: `barrel.ns` becomes a namespace import of its own.
      const local = ts.isPropertyAccessExpression(path) ? path.name.text : ts.isQualifiedName(path) ? path.right.text : undefined;
      if (local === undefined || context.namesIn(module).has(local)) {
        this.problem(
          statement,
          reference,
          `"${path.getText()}" reaches ${target.names[0] ?? 'code'} through modules the split divides, and "${local ?? path.getText()}" cannot name its new home here.`,
          `Import what you use from its module directly, then run the split again.`,
        );
        return;
      }
      result.edits.push(this.replace(path, local));
      result.bindings.push({ local, kind: 'namespace', imported: '*', file: home, typeOnly, order });
      return;
    }
    const local = via?.local ?? reference.node.text;
    if (target.exported === 'default') {
      result.bindings.push({ local, kind: 'default', imported: 'default', file: home, typeOnly, order });
      return;
    }
    const name = via?.kind === 'named' && target.names.includes(via.imported) ? via.imported : via ? target.names[0] : reference.node.text;
    // Imported through an alias that follows the module: the import keeps the alias.
    const where = via && context.aliasHome(via.specifier) === home ? { specifier: via.specifier } : { file: home };
    result.bindings.push({ local, kind: 'named', imported: name ?? reference.node.text, ...where, typeOnly, order });
  }

  /** A reference across the split to an endpoint: only a call can become a client call. */
  private endpointCall(
    statement: TopLevelStatement,
    reference: TopLevelReference,
    endpoint: EndpointInfo,
    owner: Owner,
    module: ModulePlan,
    result: ResolvedStatement,
  ): void {
    const { context } = this;
    const ts = context.typescript;
    const callee = reference.member ?? reference.node;
    const name = endpoint.exportName;
    if (module.owner === 'shared') {
      this.problem(
        statement,
        reference,
        `"${statement.names[0] ?? 'This code'}" is used by both "${context.source}" and "${context.target}", so it would go to the shared library, but it calls endpoint "${name}"; the shared library cannot call an endpoint without a cycle of imports between the services.`,
        `Move that call into the endpoints that need it (or keep the code on one side only), then run the split again.`,
      );
      return;
    }
    const isCall = ts.isCallExpression(callee.parent) && callee.parent.expression === callee;
    if (!isCall) {
      const service = owner === 'new' ? context.target : context.source;
      this.problem(
        statement,
        reference,
        `Endpoint "${name}" is ${describeValueUse(ts, callee)} here, and after the split it is in another service ("${service}"): only a direct call can become a client call.`,
        `Call it directly (\`${reference.node.text}(req)\`) or through the client of its service, then run the split again.`,
      );
      return;
    }
    if (endpoint.kind === 'raw') {
      this.problem(
        statement,
        reference,
        `Raw endpoint "${name}" is called directly here, and after the split it lives in another service; raw endpoints cannot be called through a client.`,
        `Keep "${name}" and its callers in one service, or turn it into a typed endpoint, then run the split again.`,
      );
      return;
    }
    const client = owner === 'new' ? context.clients.target : context.clients.source;
    this.clientCall(callee, client, name, module, result, true);
  }

  private clientCall(
    node: TS.Node,
    client: ClientModule,
    endpoint: string,
    module: ModulePlan,
    result: ResolvedStatement,
    wholeCallee: boolean,
  ): void {
    const local = this.clientLocal(module, client);
    result.edits.push(this.replace(node, wholeCallee ? `${local}.${endpoint}` : local));
    result.bindings.push({ local, kind: 'named', imported: client.exportName, file: client.file, typeOnly: false });
    result.calls.add(client.service);
  }

  /**
   * `hello.h2` (or `clients.hello.h2` through a namespace import) on the source's client, for
   * an endpoint that moves: the receiver to point at the new service's client.
   */
  private movedClientCall(reference: TopLevelReference): { receiver: TS.Node; endpoint: string } | undefined {
    const ts = this.context.typescript;
    const { node, via } = reference;
    const client = this.context.clients.source;
    if (!via || via.resolvedFile !== client.file) return undefined;
    let receiver: TS.Node | undefined;
    if (via.kind === 'named' && via.imported === client.exportName) receiver = node;
    else if (
      via.kind === 'namespace' &&
      reference.member &&
      ts.isPropertyAccessExpression(reference.member) &&
      reference.member.name.text === client.exportName
    ) {
      receiver = reference.member;
    }
    const access = receiver?.parent;
    if (!receiver || !access || !ts.isPropertyAccessExpression(access) || access.expression !== receiver) return undefined;
    return this.context.moved.has(access.name.text) ? { receiver, endpoint: access.name.text } : undefined;
  }

  /** Where an import of a module outside the source's code points from its new module. */
  private importTarget(via: ImportBinding, fromFile: string, toModule: string): { specifier: string } {
    if (!via.specifier.startsWith('.')) return { specifier: via.specifier };
    const target = posix.join(posix.dirname(fromFile), via.specifier);
    return { specifier: relativeSpecifier(toModule, target) };
  }

  private replace(node: TS.Node, text: string): TextEdit {
    return { start: node.getStart(), end: node.getEnd(), text };
  }

  private problem(statement: TopLevelStatement, reference: TopLevelReference, message: string, fix: string): void {
    const sourceFile = reference.node.getSourceFile();
    const line = sourceFile.getLineAndCharacterOfPosition(reference.node.getStart()).line + 1;
    this.problems.push({ file: statement.file, line, message, fix });
  }
}

/** The references of `statement` that `module` writes: those outside the blocks it leaves out. */
export function referencesIn(statement: TopLevelStatement, module: ModulePlan): TopLevelReference[] {
  const omitted = module.omit?.get(statement) ?? [];
  if (omitted.length === 0) return statement.references;
  return statement.references.filter((r) => !omitted.some((node) => r.node.pos >= node.pos && r.node.end <= node.end));
}

function memberName(member: TS.PropertyAccessExpression | TS.QualifiedName): string {
  return 'name' in member ? member.name.text : member.right.text;
}

function isTypeDeclaration(ts: typeof TS, node: TS.Statement): boolean {
  return ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node);
}

function describeValueUse(ts: typeof TS, node: TS.Node): string {
  for (let current = node; current.parent; current = current.parent) {
    const parent = current.parent;
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression !== current) return 'passed as an argument';
    if (ts.isExportSpecifier(parent)) return 're-exported';
    if (
      ts.isArrayLiteralExpression(parent) ||
      ts.isObjectLiteralExpression(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) ||
      (ts.isBinaryExpression(parent) && parent.right === current)
    ) {
      return 'stored';
    }
    if (
      !ts.isParenthesizedExpression(parent) &&
      !ts.isAsExpression(parent) &&
      !ts.isPropertyAssignment(parent) &&
      !ts.isShorthandPropertyAssignment(parent)
    )
      break;
  }
  return 'used as a value';
}
