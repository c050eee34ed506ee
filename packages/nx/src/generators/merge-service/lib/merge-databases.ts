import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import type * as TS from 'typescript';
import { isInside, readFileFacts, type ServiceInfo, typescript } from '../../../analysis';
import { relativeSpecifier } from '../../utils/specifiers';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';

/**
 * The databases of a merge. A database the merged service owns comes with it: the
 * remaining service owns it from then on, with its data where it is. Its migrations folder
 * goes to the same relative place, unless that folder is taken (the remaining service's own
 * migrations, say): then beside it, named after the database (`migrations-returns`), and the
 * declaration's `migrations` option follows. Two handles of one database in modules that
 * become one (what `split-service --database=share` made) are one handle again.
 */

/** A database folder of the merged service and where it goes. */
export interface MigrationsMove {
  readonly database: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Where the migrations folder of each database `from` owns goes in `into`: the same relative
 * place, or, when a file is there already, a folder beside it named after the database.
 */
export function planMigrationsMoves(tree: Tree, from: ServiceInfo, into: ServiceInfo): MigrationsMove[] {
  const moves: MigrationsMove[] = [];
  for (const database of from.databases) {
    if (database.kind !== 'own' || !database.migrations || !isInside(database.migrations, from.root)) continue;
    const mirrored = posix.join(into.root, posix.relative(from.root, database.migrations));
    let to = mirrored;
    for (let n = 1; tree.exists(to); n++) to = `${mirrored}-${database.name}${n > 1 ? `-${n}` : ''}`;
    moves.push({ database: database.name, from: database.migrations, to });
  }
  return moves;
}

/** Where a file of a moved migrations folder goes, if it is in one. */
export function migrationsDestination(moves: readonly MigrationsMove[], file: string): string | undefined {
  const move = moves.find((m) => isInside(file, m.from));
  return move && posix.join(move.to, posix.relative(move.from, file));
}

/** A module-level `const x = new SQLDatabase('d', ...)` or `const x = SQLDatabase.named('d')`. */
interface Handle {
  statement: TS.VariableStatement;
  name: string;
  database: string;
  kind: 'own' | 'named';
  /** The `migrations` option's string, for `own`. */
  migrations?: TS.StringLiteralLike;
}

/** The database handles of a module, as the analysis reads them, with the nodes the merge edits. */
function handlesOf(ts: typeof TS, sourceFile: TS.SourceFile): Handle[] {
  const handles: Handle[] = [];
  for (const fact of readFileFacts(sourceFile.fileName, sourceFile.text).databases) {
    if (fact.name === undefined || fact.variable === undefined) continue;
    const statement = sourceFile.statements.find(
      (s): s is TS.VariableStatement =>
        ts.isVariableStatement(s) && s.declarationList.declarations.length === 1 && s.declarationList.declarations[0].name.getText(sourceFile) === fact.variable,
    );
    if (!statement) continue;
    const value = statement.declarationList.declarations[0].initializer;
    const options = fact.kind === 'own' && value && ts.isNewExpression(value) ? value.arguments?.[1] : undefined;
    const option =
      options && ts.isObjectLiteralExpression(options)
        ? options.properties.find((p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sourceFile) === 'migrations')
        : undefined;
    const migrations = option && ts.isStringLiteralLike(option.initializer) ? option.initializer : undefined;
    handles.push({ statement, name: fact.variable, database: fact.name, kind: fact.kind, migrations });
  }
  return handles;
}

/**
 * Two modules that become one, each with a handle of the same name on the same database:
 * one handle again, the owner's when one owns it. Returns both texts without the other.
 */
export function joinDatabaseHandles(path: string, kept: string, added: string): { kept: string; added: string } {
  const ts = typescript();
  const keptFile = ts.createSourceFile(path, kept, ts.ScriptTarget.Latest, true);
  const addedFile = ts.createSourceFile(path, added, ts.ScriptTarget.Latest, true);
  const keptHandles = handlesOf(ts, keptFile);
  const keptEdits: TextEdit[] = [];
  const addedEdits: TextEdit[] = [];
  const remove = (statement: TS.Statement, file: TS.SourceFile, text: string): TextEdit => {
    const end = text[statement.end] === '\n' ? statement.end + 1 : statement.end;
    return { start: statement.getFullStart(), end, text: '' };
  };
  for (const handle of handlesOf(ts, addedFile)) {
    const twin = keptHandles.find((k) => k.name === handle.name && k.database === handle.database);
    if (!twin) continue;
    if (handle.kind === 'own' && twin.kind === 'named') {
      keptEdits.push({ start: twin.statement.getStart(keptFile), end: twin.statement.end, text: handle.statement.getText(addedFile) });
    }
    addedEdits.push(remove(handle.statement, addedFile, added));
  }
  return { kept: applyTextEdits(kept, keptEdits), added: applyTextEdits(added, addedEdits) };
}

/**
 * A module's text with the `migrations` option of each database whose folder moved pointing
 * at its new place, relative to the module at `path`.
 */
export function followMigrations(path: string, text: string, moves: readonly MigrationsMove[]): string {
  if (moves.length === 0) return text;
  const ts = typescript();
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const edits: TextEdit[] = [];
  for (const handle of handlesOf(ts, sourceFile)) {
    const move = moves.find((m) => m.database === handle.database);
    if (!move || !handle.migrations) continue;
    const specifier = relativeSpecifier(path, move.to);
    const quote = text[handle.migrations.getStart(sourceFile)];
    edits.push({ start: handle.migrations.getStart(sourceFile), end: handle.migrations.end, text: `${quote}${specifier}${quote}` });
  }
  return applyTextEdits(text, edits);
}
