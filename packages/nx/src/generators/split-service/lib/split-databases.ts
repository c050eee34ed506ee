import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import type * as TS from 'typescript';
import { readDatabaseName } from '@topo/runtime/contract';
import { type DatabaseUse, isInside, readMigrationStatements, type ServiceInfo, tablesOfQuery, type TopLevelStatement } from '../../../analysis';
import type { Side } from './classify-declarations';
import type { SplitProblem } from './split-problem';

/** What the new service does with a database of the source that both sides use. */
export type DatabaseChoice = 'share' | 'own';

export const DATABASE_CHOICES: readonly DatabaseChoice[] = ['share', 'own'];

/** A top-level `const db = new SQLDatabase('orders', ...)` or `const db = SQLDatabase.named('orders')` of the source's code. */
export interface DatabaseHandle {
  readonly statement: TopLevelStatement;
  readonly database: string;
  /** `own`: the declaration that owns the database; `named`: a handle on a database another service owns (or this one). */
  readonly kind: 'own' | 'named';
  /** The `new SQLDatabase(...)` or `SQLDatabase.named(...)` expression. */
  readonly expression: TS.NewExpression | TS.CallExpression;
  /** Its first argument, the database's name. */
  readonly nameLiteral: TS.StringLiteralLike;
}

/**
 * A handle both sides use: the source keeps it, and the new service gets one of its own,
 * declared in its copy of the handle's file with the same name: `SQLDatabase.named(...)`
 * (shared) or `new SQLDatabase('<new>', ...)` (a database of its own).
 */
export interface DatabaseTwin {
  readonly handle: DatabaseHandle;
  /** The new service's module that declares its handle. */
  readonly home: string;
  /** The edits that turn the source's declaration into the new service's: its value, and its doc comment. */
  readonly edits: readonly { start: number; end: number; text: string }[];
}

/** A file the split writes or deletes for the databases: migrations, the data-copy script. */
export interface DatabaseFile {
  readonly path: string;
  /** `null` deletes it. */
  readonly content: string | null;
}

/** The new service's database of its own, for `--database=own`. */
export interface OwnDatabase {
  /** The source's database the tables come from. */
  readonly from: string;
  /** The new database. */
  readonly name: string;
  /** Tables that go with the moved code: their migrations and (with the script) their rows. */
  readonly tables: readonly string[];
  /** The data-copy script, workspace-relative. */
  readonly script?: string;
}

/** What the split does about databases, decided before anything is written. */
export interface DatabaseSplit {
  readonly twins: ReadonlyMap<TopLevelStatement, DatabaseTwin>;
  readonly files: readonly DatabaseFile[];
  readonly own?: OwnDatabase;
  /** Databases whose declaration moves with its code: the new service owns them from now on. */
  readonly movedWhole: readonly string[];
}

/**
 * Thrown when the moved code and the code that stays both use a database the source owns,
 * and no `--database` says what the new service does with it: the generator asks, or refuses.
 */
export class DatabaseChoiceNeeded extends Error {
  constructor(readonly handle: DatabaseHandle) {
    super(
      `The endpoints that move use database "${handle.database}" (declared at ${handle.statement.file}:${handle.statement.line}), and so does the code that stays in the service. ` +
        `Pass --database=share (the new service uses the same database by name: SQLDatabase.named('${handle.database}')) ` +
        `or --database=own (it gets a database of its own, with the tables only the moved code uses, their migrations and a script that copies their rows), then run the split again. Nothing was changed.`,
    );
  }
}

export interface DatabaseSplitInput {
  typescript: typeof TS;
  tree: Tree;
  source: ServiceInfo;
  /** Every service of the workspace. */
  services: readonly ServiceInfo[];
  /** The new service's name and folder. */
  target: { name: string; directory: string };
  choice: DatabaseChoice | undefined;
  /** The source's code statements (tests, service.ts and client.ts aside), with their sides; twins are set to `stay` here. */
  code: readonly TopLevelStatement[];
  sides: Map<TopLevelStatement, Side>;
  newFile(file: string): string;
}

/**
 * Decides what happens to the source's databases. A handle only the moved code uses moves
 * with it (an owned database moves whole, its migrations folder with it: same name, same
 * data). A handle both sides use is twinned: the source keeps it and the new service gets
 * its own, by name (`share`) or on a new database (`own`); for `own`, the tables the moved
 * queries use go to the new database with their migrations, read by Postgres's own parser,
 * and a table both sides query refuses the split. Shared code cannot hold a handle.
 */
export function planDatabaseSplit(input: DatabaseSplitInput): { split: DatabaseSplit; problems: SplitProblem[]; owning?: DatabaseHandle; handles: ReadonlyMap<TopLevelStatement, DatabaseHandle> } {
  const ts = input.typescript;
  const handles = databaseHandles(ts, input.code, input.source.databases);
  const problems: SplitProblem[] = [];
  const twins = new Map<TopLevelStatement, DatabaseTwin>();
  const files: DatabaseFile[] = [];
  const movedWhole: string[] = [];
  let owning: DatabaseHandle | undefined;

  for (const handle of handles.values()) {
    const side = input.sides.get(handle.statement);
    if (handle.kind === 'own' && side === 'move' && input.choice !== 'share') {
      const moved = moveMigrations(input, handle, problems);
      files.push(...moved);
      movedWhole.push(handle.database);
      continue;
    }
    const used = side === 'share' || (side === 'move' && handle.kind === 'own');
    if (!used) continue;
    if (handle.kind === 'own' && side === 'share' && input.choice === undefined) throw new DatabaseChoiceNeeded(handle);
    const ownsNew = handle.kind === 'own' && input.choice === 'own';
    if (ownsNew) owning = handle;
    input.sides.set(handle.statement, 'stay');
    const value = ownsNew
      ? { start: handle.nameLiteral.getStart(), end: handle.nameLiteral.getEnd(), text: `'${input.target.name}'` }
      : { start: handle.expression.getStart(), end: handle.expression.getEnd(), text: `${calleeOf(ts, handle.expression)}.named('${handle.database}')` };
    const doc = ownsNew
      ? `/** The database of "${input.target.name}", split out of "${handle.database}" by split-service with the tables only its code uses. */`
      : handle.kind === 'own'
        ? `/** Database "${handle.database}" of "${input.source.name}", used by name. */`
        : undefined;
    const comments = doc ? docComments(ts, handle.statement) : [];
    twins.set(handle.statement, {
      handle,
      home: input.newFile(handle.statement.file),
      edits: [value, ...comments.map((comment, i) => ({ start: comment.getStart(), end: comment.getEnd(), text: i === 0 ? doc! : '' }))],
    });
  }

  // Code both sides use goes to the shared library, which is no service: it cannot hold a
  // handle, and the handle it used is now one per service.
  for (const statement of input.code) {
    if (input.sides.get(statement) !== 'share') continue;
    for (const reference of statement.references) {
      const twin = reference.target && twins.get(reference.target);
      if (!twin || reference.inType) continue;
      problems.push({
        file: statement.file,
        line: lineOf(reference.node),
        message:
          `"${statement.names[0] ?? 'This code'}" uses database handle "${twin.handle.statement.names[0]}" (database "${twin.handle.database}"), and both "${input.source.name}" and "${input.target.name}" use it, ` +
          `so it would go to the shared library; the shared library is no service and cannot hold a database handle.`,
        fix: `Give each side its own copy of "${statement.names[0] ?? 'this code'}", or pass the handle in as a parameter, or move every endpoint that uses it together; then run the split again.`,
      });
    }
  }
  return { split: { twins, files, movedWhole }, problems, owning, handles };
}

/**
 * The statements of the source's code that declare its databases, as the analysis read them
 * (`new SQLDatabase('orders', ...)` or `SQLDatabase.named('orders')`, the value of a
 * top-level const), with the expression and its name literal for the edits of a twin.
 */
function databaseHandles(ts: typeof TS, code: readonly TopLevelStatement[], uses: readonly DatabaseUse[]): Map<TopLevelStatement, DatabaseHandle> {
  const handles = new Map<TopLevelStatement, DatabaseHandle>();
  for (const use of uses) {
    for (const statement of code) {
      const node = statement.node;
      if (statement.file !== use.file || !ts.isVariableStatement(node) || node.declarationList.declarations.length !== 1) continue;
      let value = node.declarationList.declarations[0].initializer;
      while (value && (ts.isParenthesizedExpression(value) || ts.isAsExpression(value) || ts.isSatisfiesExpression(value))) value = value.expression;
      if (!value || (!ts.isNewExpression(value) && !ts.isCallExpression(value)) || lineOf(value) !== use.line) continue;
      const [name] = value.arguments ?? [];
      if (name && ts.isStringLiteralLike(name)) handles.set(statement, { statement, database: use.name, kind: use.kind, expression: value, nameLiteral: name });
    }
  }
  return handles;
}

/** The JSDoc comments of a variable statement. */
function docComments(ts: typeof TS, statement: TopLevelStatement): TS.JSDoc[] {
  const node = statement.node;
  if (!ts.isVariableStatement(node)) return [];
  return ts.getJSDocCommentsAndTags(node.declarationList.declarations[0]).filter((c): c is TS.JSDoc => ts.isJSDoc(c));
}

function calleeOf(ts: typeof TS, expression: TS.NewExpression | TS.CallExpression): string {
  const callee = expression.expression.getText();
  return ts.isNewExpression(expression) ? callee : callee.replace(/\.named$/, '');
}

/** The workspace-relative migrations folder of a database the source declares, if any. */
function migrationsOf(input: DatabaseSplitInput, handle: DatabaseHandle): string | undefined {
  return input.source.databases.find((d) => d.kind === 'own' && d.name === handle.database && d.file === handle.statement.file)?.migrations;
}

/** Where a folder of the source goes in the new service: the same place relative to the service's root. */
function mirrored(input: DatabaseSplitInput, folder: string, handle: DatabaseHandle, problems: SplitProblem[]): string | undefined {
  if (isInside(folder, input.source.root) && folder !== input.source.root) return posix.join(input.target.directory, posix.relative(input.source.root, folder));
  problems.push({
    file: handle.statement.file,
    line: handle.statement.line,
    message: `The migrations of database "${handle.database}" are in ${folder}, outside service "${input.source.name}" (${input.source.root}); the split moves a service's own folders only.`,
    fix: `Move the migrations folder inside ${input.source.root} and correct the \`migrations\` option, then run the split again.`,
  });
  return undefined;
}

/** The files of a folder of the Tree, recursively, workspace-relative. */
function filesUnder(tree: Tree, folder: string): string[] {
  if (!tree.exists(folder)) return [];
  if (tree.isFile(folder)) return [folder];
  return tree.children(folder).flatMap((child) => filesUnder(tree, posix.join(folder, child)));
}

/** A database that moves whole: its migrations folder goes where its declaration goes. */
function moveMigrations(input: DatabaseSplitInput, handle: DatabaseHandle, problems: SplitProblem[]): DatabaseFile[] {
  const folder = migrationsOf(input, handle);
  if (!folder) return [];
  const to = mirrored(input, folder, handle, problems);
  if (!to) return [];
  const users = input.code.filter((s) => input.sides.get(s) === 'stay' && s !== handle.statement && usesFolder(input, s, folder));
  if (users.length) return [];
  return filesUnder(input.tree, folder).flatMap((file) => [
    { path: posix.join(to, posix.relative(folder, file)), content: input.tree.read(file, 'utf-8') },
    { path: file, content: null },
  ]);
}

/** Whether code that stays names the folder (a second database declared on it, say): then it is copied, not moved. */
function usesFolder(input: DatabaseSplitInput, statement: TopLevelStatement, folder: string): boolean {
  return input.source.databases.some((d) => d.migrations === folder && d.file === statement.file && d.line === statement.line);
}

/** A query of the source's code: where it is, its SQL (`${}` values as $1, $2...), and the database it runs on. */
interface QuerySite {
  statement: TopLevelStatement;
  line: number;
  /** Undefined when the SQL is not written in the code (a variable passed to rawQuery). */
  sql?: string;
  database?: string;
}

/** Statements about no table that the new database needs too, as the parser names them. */
const DEFINITIONS = new Set(['CreateExtensionStmt', 'CreateEnumStmt', 'CompositeTypeStmt', 'CreateDomainStmt', 'CreateFunctionStmt', 'CreateSchemaStmt', 'CreateRangeStmt', 'DefineStmt']);

const TEMPLATE_METHODS = new Set(['query', 'queryRow', 'queryAll', 'exec']);
const RAW_METHODS = new Set(['rawQuery', 'rawQueryRow', 'rawQueryAll', 'rawExec']);

/**
 * For `--database=own`: which tables go to the new database. The tables every query of the
 * database reads or writes, side by side: a table both sides query refuses the split; the
 * tables only the moved code queries go, with the statements of the migrations that make
 * them, and a script copies their rows.
 */
export function planOwnDatabase(
  input: DatabaseSplitInput & { tests: readonly { statement: TopLevelStatement; side: 'stay' | 'move' }[] },
  handle: DatabaseHandle,
  handles: ReadonlyMap<TopLevelStatement, DatabaseHandle>,
  problems: SplitProblem[],
): { own: OwnDatabase; files: DatabaseFile[] } | undefined {
  const ts = input.typescript;
  const name = input.target.name;
  const validName = readDatabaseName(name);
  const taken = input.services.flatMap((s) => s.databases).find((d) => d.kind === 'own' && d.name === name);
  if (!validName.ok || taken) {
    problems.push({
      file: handle.statement.file,
      line: handle.statement.line,
      message: taken
        ? `--database=own would give "${name}" a database named "${name}", and ${taken.file}:${taken.line} declares a database of that name already.`
        : `--database=own would name the new database "${name}", which is not a database name: ${validName.ok ? '' : validName.problem.message}.`,
      fix: `Pass another --name for the new service, or --database=share to use database "${handle.database}" by name; then run the split again.`,
    });
    return undefined;
  }

  const users: { side: 'stay' | 'move'; site: QuerySite }[] = [];
  const sideOf = (statement: TopLevelStatement): 'stay' | 'move' | undefined => {
    const side = input.sides.get(statement);
    return side === 'stay' || side === 'move' ? side : undefined;
  };
  const statements = [
    ...input.code.map((statement) => ({ statement, side: sideOf(statement) })),
    ...input.tests.map(({ statement, side }) => ({ statement, side })),
  ];
  for (const { statement, side } of statements) {
    if (!side) continue;
    for (const site of querySites(ts, statement, handles)) if (site.database === handle.database) users.push({ side, site });
  }
  const unknown = statements.flatMap(({ statement, side }) =>
    side ? querySites(ts, statement, handles).filter((site) => site.database === undefined) : [],
  );
  for (const site of unknown) {
    problems.push({
      file: site.statement.file,
      line: site.line,
      message: `--database=own has to know which database each query runs on, and the handle this query runs on is not one the split can follow.`,
      fix: `Call the query on the module-level handle (\`${handle.statement.names[0]}.query\`...) or on a transaction from its \`begin()\` or \`transaction()\`, or pass --database=share; then run the split again.`,
    });
  }

  const tablesBy = { stay: new Map<string, QuerySite[]>(), move: new Map<string, QuerySite[]>() };
  for (const { side, site } of users) {
    if (site.sql === undefined) {
      problems.push({
        file: site.statement.file,
        line: site.line,
        message: `The SQL of this query of database "${handle.database}" is not written here, so --database=own cannot tell which tables it uses.`,
        fix: `Write the query as a string literal or a tagged template (\`${handle.statement.names[0]}.query\`...\`\`), or pass --database=share; then run the split again.`,
      });
      continue;
    }
    const read = tablesOfQuery(site.sql);
    if ('error' in read) {
      problems.push({
        file: site.statement.file,
        line: site.line,
        message: `This query of database "${handle.database}" does not parse as Postgres SQL (${read.error}), so --database=own cannot tell which tables it uses.`,
        fix: 'Correct the query, or pass --database=share; then run the split again.',
      });
      continue;
    }
    for (const table of read.tables) tablesBy[side].set(table, [...(tablesBy[side].get(table) ?? []), site]);
  }
  const where = (sites: readonly QuerySite[]) => sites.map((s) => `${s.statement.names[0] ?? 'code'} at ${s.statement.file}:${s.line}`).join(', ');
  for (const [table, moving] of tablesBy.move) {
    const staying = tablesBy.stay.get(table);
    if (!staying) continue;
    problems.push({
      file: moving[0].statement.file,
      line: moving[0].line,
      message:
        `Table "${table}" of database "${handle.database}" is queried both by code that moves to "${name}" (${where(moving)}) and by code that stays in "${input.source.name}" (${where(staying)}); ` +
        `with --database=own each side would see only its own copy of the table.`,
      fix: `Move every endpoint that queries "${table}" together, or let one side call the other through its client instead of querying "${table}", or pass --database=share; then run the split again.`,
    });
  }
  const tables = [...tablesBy.move.keys()].filter((table) => !tablesBy.stay.has(table)).sort();

  const files: DatabaseFile[] = [];
  const folder = migrationsOf(input, handle);
  const to = folder === undefined ? undefined : mirrored(input, folder, handle, problems);
  const created = new Set<string>();
  if (folder) {
    for (const file of filesUnder(input.tree, folder).filter((f) => f.endsWith('.sql')).sort()) {
      const text = input.tree.read(file, 'utf-8') ?? '';
      const read = readMigrationStatements(text);
      if ('error' in read) {
        problems.push({
          file,
          line: read.line ?? 1,
          message: `Migration ${posix.basename(file)} does not parse as Postgres SQL (${read.error}), so --database=own cannot tell which tables it makes.`,
          fix: 'Correct the migration, or pass --database=share; then run the split again.',
        });
        continue;
      }
      const goes = (tablesOf: readonly string[]) => tablesOf.some((t) => tables.includes(t));
      const stays = (tablesOf: readonly string[]) => tablesOf.some((t) => !tables.includes(t));
      for (const statement of read.statements) {
        if (goes(statement.tables) && stays(statement.tables)) {
          const [moving, staying] = [statement.tables.filter((t) => tables.includes(t)), statement.tables.filter((t) => !tables.includes(t))];
          problems.push({
            file,
            line: statement.line,
            message: `This migration statement ties table${moving.length > 1 ? 's' : ''} ${moving.map((t) => `"${t}"`).join(', ')}, which would go to database "${name}", to ${staying.map((t) => `"${t}"`).join(', ')}, which stay in "${handle.database}" (a foreign key, say); two databases cannot keep such a link.`,
            fix: `Keep the tables together: move or keep every endpoint that queries them together, or pass --database=share; then run the split again.`,
          });
        }
        for (const table of statement.tables) if (tables.includes(table)) created.add(table);
      }
      const moved = read.statements.filter((s) => goes(s.tables));
      if (!to || moved.length === 0) continue;
      // What a moved table may need and names no table: an extension, a type, a function, a schema.
      const general = read.statements.filter((s) => s.tables.length === 0 && DEFINITIONS.has(s.kind));
      const header = `-- Split out of database "${handle.database}" (${file}) by split-service: the statements of table${tables.length > 1 ? 's' : ''} ${moved
        .flatMap((s) => s.tables)
        .filter((t, i, all) => all.indexOf(t) === i)
        .join(', ')}.\n`;
      files.push({ path: posix.join(to, posix.relative(folder, file)), content: header + joinStatements([...general, ...moved].sort((a, b) => a.line - b.line)) });
      const kept = read.statements.filter((s) => !goes(s.tables));
      files.push({
        path: file,
        content:
          `-- split-service moved the statements of ${moved
            .flatMap((s) => s.tables)
            .filter((t, i, all) => all.indexOf(t) === i && tables.includes(t))
            .join(', ')} to database "${name}" (${posix.join(to, posix.relative(folder, file))}).\n` + joinStatements(kept),
      });
    }
  }
  const missing = tables.filter((t) => folder && !created.has(t));
  for (const table of missing) {
    const site = tablesBy.move.get(table)![0];
    problems.push({
      file: site.statement.file,
      line: site.line,
      message: `Table "${table}", which the moved code queries, is made by no migration of database "${handle.database}", so the new database "${name}" would not have it.`,
      fix: `Create it in a migration of ${folder ?? `database "${handle.database}"`}, or pass --database=share; then run the split again.`,
    });
  }
  const copied = tables.filter((t) => created.has(t));
  let script: string | undefined;
  if (copied.length && to) {
    script = posix.join(input.target.directory, `copy-data-from-${handle.database}.mjs`);
    files.push({ path: script, content: copyScript({ script, from: handle.database, to: name, tables: copied, migrations: posix.relative(input.target.directory, to) }) });
  }
  return { own: { from: handle.database, name, tables: copied, script }, files };
}

function joinStatements(statements: readonly { text: string }[]): string {
  return statements.map((s) => `${s.text.trim()}${s.text.trim().endsWith(';') ? '' : ';'}`).join('\n\n') + (statements.length ? '\n' : '');
}

/** The data-copy script `--database=own` writes in the new service's folder; `migrations` is relative to it. */
function copyScript(options: { script: string; from: string; to: string; tables: readonly string[]; migrations: string }): string {
  const up = posix.relative(posix.dirname(options.script), '.') || '.';
  return `// Written by \`nx g @topo/nx:split-service --database=own\`: copies the rows of the tables that moved
// from database "${options.from}" to the new database "${options.to}": ${options.tables.join(', ')}.
//
// Run it once, from the workspace root, after the split and before serving the new service's data:
//
//   node ${options.script}
//
// Locally (no TOPO_DATABASE_URL_* set) it copies between the embedded databases that nx serve keeps
// in .topo/databases/<app>/: stop nx serve first. Against real servers, set both
// TOPO_DATABASE_URL_${envSuffix(options.from)} and TOPO_DATABASE_URL_${envSuffix(options.to)}.
// It applies "${options.to}"'s migrations first, copies in one transaction, and refuses to copy
// into tables that already hold rows. The tables stay in "${options.from}" until you drop them.
import { fileURLToPath } from 'node:url';
import { copyTables } from '@topo/runtime/copy-tables';

const workspaceRoot = fileURLToPath(new URL('${up}/', import.meta.url));
await copyTables({
  from: '${options.from}',
  to: '${options.to}',
  tables: ${JSON.stringify(options.tables).replace(/"/g, "'").replace(/,/g, ', ')},
  migrations: fileURLToPath(new URL('./${options.migrations}', import.meta.url)),
  workspaceRoot,
  log: (line) => console.log(line),
});
`;
}

function envSuffix(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function lineOf(node: TS.Node): number {
  const sourceFile = node.getSourceFile();
  return sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
}

/**
 * The queries a statement makes: tagged templates on `query`, `queryRow`, `queryAll` and
 * `exec`, and `rawQuery`-style calls, with the database each runs on: the handle it is
 * called on, or the handle whose `transaction(cb)` or `begin()` gave the transaction it is
 * called on.
 */
function querySites(ts: typeof TS, statement: TopLevelStatement, handles: ReadonlyMap<TopLevelStatement, DatabaseHandle>): QuerySite[] {
  const sites: QuerySite[] = [];
  const referenced = new Map<TS.Node, DatabaseHandle>();
  for (const reference of statement.references) {
    const handle = reference.target && handles.get(reference.target);
    if (handle) referenced.set(reference.node, handle);
  }
  const visit = (node: TS.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isPropertyAccessExpression(node.tag) && TEMPLATE_METHODS.has(node.tag.name.text)) {
      const template = node.template;
      const sql = ts.isNoSubstitutionTemplateLiteral(template)
        ? template.text
        : template.head.text + template.templateSpans.map((span, i) => `$${i + 1}${span.literal.text}`).join('');
      sites.push({ statement, line: lineOf(node), sql, database: databaseOf(ts, node.tag.expression, referenced)?.database });
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && RAW_METHODS.has(node.expression.name.text)) {
      const [first] = node.arguments;
      const sql = first && ts.isStringLiteralLike(first) ? first.text : undefined;
      sites.push({ statement, line: lineOf(node), sql, database: databaseOf(ts, node.expression.expression, referenced)?.database });
    }
    ts.forEachChild(node, visit);
  };
  visit(statement.node);
  return sites;
}

/** The handle an expression a query is called on stands for: the handle itself, or a transaction of it. */
function databaseOf(ts: typeof TS, receiver: TS.Expression, referenced: ReadonlyMap<TS.Node, DatabaseHandle>): DatabaseHandle | undefined {
  if (referenced.has(receiver)) return referenced.get(receiver);
  if (ts.isPropertyAccessExpression(receiver) && referenced.has(receiver.expression)) return referenced.get(receiver.expression);
  if (!ts.isIdentifier(receiver)) return undefined;
  const declaration = declarationOf(ts, receiver);
  if (!declaration) return undefined;
  // `db.transaction(async (tx) => ...)`: tx is the callback's first parameter.
  if (ts.isParameter(declaration)) {
    const fn = declaration.parent;
    const call = fn.parent;
    if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression)) {
      if (call.expression.name.text === 'transaction' && fn.parameters[0] === declaration) return databaseOf(ts, call.expression.expression, referenced);
    }
    return undefined;
  }
  // `const tx = await db.begin()`.
  let value = declaration.initializer;
  while (value && (ts.isAwaitExpression(value) || ts.isParenthesizedExpression(value))) value = value.expression;
  if (value && ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'begin') {
    return databaseOf(ts, value.expression.expression, referenced);
  }
  return undefined;
}

/** The parameter or variable declaration a local identifier names, found by walking up its scopes. */
function declarationOf(ts: typeof TS, identifier: TS.Identifier): TS.ParameterDeclaration | TS.VariableDeclaration | undefined {
  const name = identifier.text;
  for (let scope: TS.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      const parameter = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
      if (parameter) return parameter;
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        const found = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
        if (found) return found;
      }
    }
  }
  return undefined;
}
