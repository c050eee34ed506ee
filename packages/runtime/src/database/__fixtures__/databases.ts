import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';

/** A migrations folder holding `files` (name → SQL). */
export function migrationsFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'topo-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

/** The injection attempts every query helper is fed. */
export const INJECTIONS = ["'; DROP TABLE people; --", "x' OR '1'='1", '1; DELETE FROM people', "$1'); DROP TABLE people; --", 'Robert"); DROP TABLE people;--'];

/** Runs `sql` on a fresh connection, outside the code under test. */
export async function direct<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    return (await pool.query(sql, params)).rows as T[];
  } finally {
    await pool.end();
  }
}
