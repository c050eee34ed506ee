import type { Tree } from '@nx/devkit';
import type { DatabaseChoice, DatabaseChoiceNeeded, DatabaseSplit } from './split-databases';

/** Writes what the split decided for the databases: migrations moved or divided, the data-copy script. */
export function writeDatabaseFiles(tree: Tree, databases: DatabaseSplit): void {
  for (const file of databases.files) {
    if (file.content === null) tree.delete(file.path);
    else tree.write(file.path, file.content);
  }
}

/** What the split did with the databases, for the log: the new service's handles, and how to copy the data. */
export function describeDatabaseSplit(databases: DatabaseSplit, target: string): string[] {
  const lines: string[] = [];
  for (const name of databases.movedWhole) lines.push(`Database "${name}" moved with its code: "${target}" owns it now, with its migrations and its data.`);
  for (const twin of databases.twins.values()) {
    const { database, kind } = twin.handle;
    if (databases.own && databases.own.from === database && kind === 'own') continue;
    lines.push(`"${target}" uses database "${database}" by name (${twin.home}).`);
  }
  const own = databases.own;
  if (own) {
    lines.push(
      `"${target}" has a database of its own, "${own.name}"${own.tables.length ? `, with table${own.tables.length > 1 ? 's' : ''} ${own.tables.join(', ')}` : ''}.`,
    );
    if (own.script) {
      lines.push(
        `Copy the rows of ${own.tables.join(', ')} from "${own.from}" to "${own.name}" once, with nx serve stopped: node ${own.script}` +
          ` (locally it copies between the embedded databases in .topo/databases; against servers, set the TOPO_DATABASE_URL_* of both).`,
      );
    }
  }
  return lines;
}

/** Whether the generator can ask: a terminal on both ends and no CI. */
export function canAsk(): boolean {
  return !!process.stdin.isTTY && !!process.stdout.isTTY && process.env['CI'] !== 'true' && process.env['NX_INTERACTIVE'] !== 'false';
}

/**
 * Asks what the new service does with a database both sides use, as Nx asks its own
 * questions (@clack/prompts). Cancelling refuses the split, writing nothing.
 */
export async function askDatabaseChoice(needed: DatabaseChoiceNeeded): Promise<DatabaseChoice> {
  // @clack/prompts is an ES module: Node loads it through require() from 20.19 on.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { select, isCancel } = require('@clack/prompts') as typeof import('@clack/prompts');
  const database = needed.handle.database;
  const answer = await select<DatabaseChoice>({
    message: `The endpoints that move and the code that stays both use database "${database}". What should the new service do?`,
    options: [
      { value: 'share', label: 'share', hint: `use "${database}" by name (SQLDatabase.named)` },
      { value: 'own', label: 'own', hint: 'a database of its own with the tables only it uses, and a script to copy their rows' },
    ],
  });
  if (isCancel(answer)) throw needed;
  return answer;
}
