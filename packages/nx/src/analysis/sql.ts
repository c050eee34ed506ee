import type * as PgQuery from 'libpg-query';

/**
 * SQL facts, read with Postgres's own parser (libpg_query compiled to WebAssembly): the tables
 * a query reads or writes, and a migration file cut into its statements with the tables each
 * one concerns. `split-service --database=own` reads them to decide which tables, and which
 * migration statements, go with the code that moves.
 *
 * Table names are as Postgres resolves them: unquoted names folded to lower case by the parser
 * (`Orders` is `orders`), quoted ones kept as written (`"Orders"` is `Orders`); `public.orders`
 * is `orders`, a table of another schema keeps it (`audit.events`).
 */

// Set by loadSqlParser, so that the WebAssembly is compiled only by the callers that parse SQL
// (requiring libpg-query starts compiling it), not by every graph computation.
let parser: typeof PgQuery | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the parser; the other functions of this module are synchronous and need it loaded.
 * Call it once, before the first of them; later calls resolve at once.
 *
 * @example
 * await loadSqlParser();
 * tablesOfQuery('SELECT * FROM orders'); // { tables: ['orders'] }
 */
export function loadSqlParser(): Promise<void> {
  return (loading ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('libpg-query') as typeof PgQuery;
    await loaded.loadModule();
    parser = loaded;
  })());
}

/** SQL the parser refused: its message, and the 1-based line it points at when it points. */
export interface SqlError {
  error: string;
  line?: number;
}

/**
 * The tables a query reads or writes, in the order they first appear: every table it names
 * (in FROM, JOIN, subqueries, INSERT INTO, UPDATE ... FROM, DELETE ... USING, ...) except the
 * names its common table expressions give, where they give them. The SQL is a tagged
 * template's text with its values as `$1`, `$2`, ...; it may hold several statements.
 *
 * @example
 * await loadSqlParser();
 * tablesOfQuery('WITH recent AS (SELECT * FROM orders WHERE placed_at > $1) SELECT * FROM recent JOIN customers c USING (customer_id)');
 * // { tables: ['orders', 'customers'] }
 * tablesOfQuery('SELECT * FROM'); // { error: 'syntax error at end of input', line: 1 }
 */
export function tablesOfQuery(sql: string): { tables: string[] } | SqlError {
  const parsed = parse(sql);
  if ('error' in parsed) return parsed;
  const tables = new Set<string>();
  for (const { stmt } of parsed.stmts) addTables(stmt, new Set(), tables);
  return { tables: [...tables] };
}

/** One statement of a migration file. */
export interface MigrationStatement {
  /**
   * The statement exactly as the file writes it, from the comments before it (those after the
   * previous statement's `;`) to its own `;` when it has one.
   */
  text: string;
  /** The 1-based line of the file where `text` starts. */
  line: number;
  /**
   * The tables (and other relations: views, sequences) it creates, alters, indexes, references
   * by a foreign key, inserts into, updates, drops, renames (both names) or comments on; `[]`
   * for a statement about no table (CREATE EXTENSION, CREATE TYPE, CREATE FUNCTION, DROP INDEX).
   */
  tables: string[];
  /** The parser's name for the kind of statement: `CreateStmt`, `CreateExtensionStmt`, `DropStmt`... */
  kind: string;
}

/**
 * A migration file cut into its statements, exactly as written, each with the tables it
 * concerns. A function's body (a dollar-quoted string) is not read: CREATE FUNCTION concerns
 * no table. SQL the parser refuses gives its message and line.
 *
 * @example
 * await loadSqlParser();
 * readMigrationStatements('CREATE EXTENSION pgcrypto;\n\n-- the orders\nCREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers);\n');
 * // { statements: [
 * //   { text: 'CREATE EXTENSION pgcrypto;', line: 1, tables: [] },
 * //   { text: '-- the orders\nCREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers);', line: 3, tables: ['orders', 'customers'] },
 * // ] }
 */
export function readMigrationStatements(sql: string): { statements: MigrationStatement[] } | SqlError {
  const parsed = parse(sql);
  if ('error' in parsed) return parsed;
  // Locations are byte offsets into the UTF-8 text.
  const bytes = Buffer.from(sql, 'utf8');
  const statements = parsed.stmts.map(({ stmt, stmt_location = 0, stmt_len = 0 }): MigrationStatement => {
    let start = stmt_location;
    while (start < bytes.length && isSpace(bytes[start])) start++;
    // A length of 0 is the last statement, without a `;`: the rest of the file.
    let end = stmt_len === 0 ? bytes.length : stmt_location + stmt_len;
    if (bytes[end] === SEMICOLON) end++;
    while (end > start && isSpace(bytes[end - 1])) end--;
    const tables = new Set<string>();
    addTables(stmt, new Set(), tables);
    const kind = stmt && typeof stmt === 'object' ? (Object.keys(stmt)[0] ?? '') : '';
    return { text: bytes.subarray(start, end).toString('utf8'), line: lineAt(bytes, start), tables: [...tables], kind };
  });
  return { statements };
}

interface ParsedSql {
  stmts: { stmt: unknown; stmt_location?: number; stmt_len?: number }[];
}

function parse(sql: string): ParsedSql | SqlError {
  if (!parser) throw new Error('the SQL parser is not loaded: await loadSqlParser() before reading SQL');
  // The parser refuses an empty string; a file of only blanks holds no statement, as one of only comments.
  if (sql.trim() === '') return { stmts: [] };
  try {
    return parser.parseSync(sql) as ParsedSql;
  } catch (error) {
    if (!parser.hasSqlDetails(error)) return { error: error instanceof Error ? error.message : String(error) };
    const { message, cursorPosition } = error.sqlDetails;
    return cursorPosition >= 0 ? { error: message, line: lineOfCodePoint(sql, cursorPosition) } : { error: message };
  }
}

/** The relation kinds whose DROP, RENAME or COMMENT names a table-like object (not an index, a type, a function). */
const RELATION_KINDS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE', 'OBJECT_SEQUENCE']);

type Tree = { [key: string]: unknown };

/**
 * Walks a parse tree and adds the relation of every RangeVar (the parser's "a table named
 * here"), except an unqualified name that a CTE in scope gives; plus the names a statement
 * holds as plain strings (DROP TABLE, the new name of a RENAME, COMMENT ON). `shadowed` holds
 * the CTE names in scope.
 */
function addTables(node: unknown, shadowed: ReadonlySet<string>, tables: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) addTables(item, shadowed, tables);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const tree = node as Tree;
  if (typeof tree.relname === 'string') {
    if (typeof tree.schemaname === 'string' || !shadowed.has(tree.relname)) tables.add(tableName(tree.schemaname, tree.relname));
    return;
  }
  if (isTree(tree.DropStmt)) return addDropped(tree.DropStmt, tables);
  if (isTree(tree.RenameStmt)) return addRenamed(tree.RenameStmt, tables);
  if (isTree(tree.CommentStmt)) return addCommented(tree.CommentStmt, tables);
  // ALTER INDEX: its RangeVar is the index.
  if (isTree(tree.AlterTableStmt) && tree.AlterTableStmt.objtype === 'OBJECT_INDEX') return;
  let scope = shadowed;
  const withClause = tree.withClause;
  if (isTree(withClause)) {
    const ctes = arrayOf(withClause.ctes).map((cte) => (isTree(cte) && isTree(cte.CommonTableExpr) ? cte.CommonTableExpr : {}));
    const names = ctes.map((cte) => cte.ctename).filter((name): name is string => typeof name === 'string');
    // A CTE sees the ones before it (`WITH orders AS (SELECT * FROM orders)` reads the table);
    // those of a recursive WITH see them all, themselves included.
    ctes.forEach((cte, i) => {
      const visible = withClause.recursive ? names : names.slice(0, i);
      addTables(cte.ctequery, new Set([...shadowed, ...visible]), tables);
    });
    scope = new Set([...shadowed, ...names]);
  }
  for (const [key, value] of Object.entries(tree)) if (key !== 'withClause') addTables(value, scope, tables);
}

function addDropped(drop: Tree, tables: Set<string>): void {
  if (!RELATION_KINDS.has(String(drop.removeType))) return;
  for (const object of arrayOf(drop.objects)) {
    const name = qualifiedName(object);
    if (name) tables.add(name);
  }
}

function addRenamed(rename: Tree, tables: Set<string>): void {
  // ALTER INDEX ... RENAME: the RangeVar is the index, not a table.
  if (rename.renameType === 'OBJECT_INDEX') return;
  const relation = isTree(rename.relation) ? rename.relation : undefined;
  if (relation && typeof relation.relname === 'string') tables.add(tableName(relation.schemaname, relation.relname));
  // Renaming the relation itself (not a column or a constraint of it): the new name too, in the same schema.
  if (relation && RELATION_KINDS.has(String(rename.renameType)) && typeof rename.newname === 'string') tables.add(tableName(relation.schemaname, rename.newname));
}

function addCommented(comment: Tree, tables: Set<string>): void {
  const names = stringsOf(comment.object);
  if (RELATION_KINDS.has(String(comment.objtype)) && names.length > 0) tables.add(tableName(...schemaAndName(names)));
  // COMMENT ON COLUMN [schema.]table.column
  if (comment.objtype === 'OBJECT_COLUMN' && names.length > 1) tables.add(tableName(...schemaAndName(names.slice(0, -1))));
}

/** A name in a DROP's objects: `List { items: [String { sval }] }`, schema first when qualified. */
function qualifiedName(object: unknown): string | undefined {
  const names = stringsOf(object);
  return names.length > 0 ? tableName(...schemaAndName(names)) : undefined;
}

function schemaAndName(names: readonly string[]): [string | undefined, string] {
  return names.length > 1 ? [names[names.length - 2], names[names.length - 1]] : [undefined, names[0]];
}

function stringsOf(list: unknown): string[] {
  const items = isTree(list) && isTree(list.List) ? arrayOf(list.List.items) : [];
  return items.map((item) => (isTree(item) && isTree(item.String) ? item.String.sval : undefined)).filter((s): s is string => typeof s === 'string');
}

/** `public` is the schema of unqualified names: `public.orders` and `orders` are one table. */
function tableName(schema: unknown, name: string): string {
  return typeof schema === 'string' && schema !== 'public' ? `${schema}.${name}` : name;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const SEMICOLON = 0x3b;

function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The parser's error position counts code points (not UTF-16 units, not bytes), from 0. */
function lineOfCodePoint(sql: string, position: number): number {
  let line = 1;
  let index = 0;
  for (const char of sql) {
    if (index++ >= position) break;
    if (char === '\n') line++;
  }
  return line;
}
