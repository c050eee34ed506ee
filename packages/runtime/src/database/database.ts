import type { PoolClient, QueryResult } from 'pg';
import { describeProblem, readDatabaseName } from '../contract';
import { isUnavailableError, logUnavailable, unavailableError } from './errors';
import { bindRaw, bindTemplate, type BoundStatement } from './sql';
import { closeDatabase, databaseState, declareOwner, poolOf, type DatabaseState } from './registry';
import { installJestFallback } from './jest';
import { callerFile } from './caller';

/**
 * A row as the driver gives it: column name → value (numbers, strings, booleans, `Date` for
 * timestamps, parsed JSON; `bigint` and `numeric` columns arrive as strings).
 */
export type Row = Record<string, unknown>;

/**
 * Options of the owning declaration of a database.
 *
 * @example
 * ```ts
 * const options: SQLDatabaseOptions = { migrations: './migrations' };
 * ```
 */
export interface SQLDatabaseOptions {
  /**
   * The folder of its `<version>_<name>.up.sql` files, relative to the module that declares
   * the database (or absolute). A bundle finds it in `TOPO_MIGRATIONS_<NAME>` instead.
   */
  migrations?: string;
}

/**
 * The queries of a database or of a transaction. Every value of a tagged template is a bound
 * parameter (`$1`, `$2`, ...): never part of the SQL text, whatever it holds.
 */
abstract class Queries {
  /** The database's name. */
  readonly name: string;

  protected constructor(name: string) {
    this.name = name;
  }

  /** Runs one statement; connection failures become 503 `unavailable`. */
  protected abstract run<T>(statement: BoundStatement): Promise<QueryResult<T & Row>>;

  /**
   * The rows of a query, one at a time.
   *
   * @example
   * ```ts
   * for await (const order of db.query<{ id: number; total: number }>`SELECT id, total FROM orders WHERE customer = ${customer}`) {
   *   console.log(order.id, order.total);
   * }
   * ```
   */
  async *query<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): AsyncGenerator<T, void, undefined> {
    const { rows } = await this.run<T>(bindTemplate(strings, values));
    for (const row of rows as T[]) yield row;
  }

  /**
   * The first row of a query, or null when there is none.
   *
   * @example
   * ```ts
   * const order = await db.queryRow<{ id: number; total: number }>`SELECT id, total FROM orders WHERE id = ${id}`;
   * if (!order) throw new APIError(ErrCode.NotFound, 'no such order');
   * ```
   */
  async queryRow<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T | null> {
    const result = await this.run<T>(bindTemplate(strings, values));
    return result.rows.length > 0 ? result.rows[0] : null;
  }

  /**
   * Every row of a query.
   *
   * @example
   * ```ts
   * const orders = await db.queryAll<{ id: number }>`SELECT id FROM orders WHERE total > ${min} ORDER BY id`;
   * ```
   */
  async queryAll<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]> {
    return (await this.run<T>(bindTemplate(strings, values))).rows;
  }

  /**
   * Runs a statement for its effect; resolves with the number of rows it touched.
   *
   * @example
   * ```ts
   * const changed = await db.exec`UPDATE orders SET status = ${status} WHERE id = ${id}`;
   * ```
   */
  async exec(strings: TemplateStringsArray, ...values: unknown[]): Promise<number> {
    return (await this.run(bindTemplate(strings, values))).rowCount ?? 0;
  }

  /**
   * The rows of SQL text with `$1..$n` placeholders and their values, one at a time: for SQL
   * built at run time (its values still bound, never spliced).
   *
   * @example
   * ```ts
   * for await (const row of db.rawQuery<{ id: number }>('SELECT id FROM orders WHERE status = $1', status)) { ... }
   * ```
   */
  async *rawQuery<T = Row>(sql: string, ...params: unknown[]): AsyncGenerator<T, void, undefined> {
    const { rows } = await this.run<T>(bindRaw(sql, params));
    for (const row of rows as T[]) yield row;
  }

  /**
   * The first row of SQL text with `$1..$n` placeholders, or null.
   *
   * @example
   * ```ts
   * const row = await db.rawQueryRow<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE status = $1', 'open');
   * ```
   */
  async rawQueryRow<T = Row>(sql: string, ...params: unknown[]): Promise<T | null> {
    const result = await this.run<T>(bindRaw(sql, params));
    return result.rows.length > 0 ? result.rows[0] : null;
  }

  /**
   * Every row of SQL text with `$1..$n` placeholders.
   *
   * @example
   * ```ts
   * const rows = await db.rawQueryAll<{ id: number }>('SELECT id FROM orders WHERE id = ANY($1)', [1, 2, 3]);
   * ```
   */
  async rawQueryAll<T = Row>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await this.run<T>(bindRaw(sql, params))).rows;
  }

  /**
   * Runs SQL text with `$1..$n` placeholders for its effect; resolves with the rows touched.
   *
   * @example
   * ```ts
   * await db.rawExec('DELETE FROM orders WHERE id = $1', id);
   * ```
   */
  async rawExec(sql: string, ...params: unknown[]): Promise<number> {
    return (await this.run(bindRaw(sql, params))).rowCount ?? 0;
  }
}

/** Connection failures become 503 `unavailable`; errors of the statement stay the driver's. */
function translate(database: string, error: unknown): unknown {
  if (!isUnavailableError(error)) return error;
  logUnavailable(database, error);
  return unavailableError(database);
}

/**
 * A transaction from {@link SQLDatabase.begin}: the same queries, on one connection, until
 * `commit()` or `rollback()`.
 *
 * @example
 * ```ts
 * const tx = await db.begin();
 * try {
 *   await tx.exec`UPDATE accounts SET balance = balance - ${amount} WHERE id = ${from}`;
 *   await tx.exec`UPDATE accounts SET balance = balance + ${amount} WHERE id = ${to}`;
 *   await tx.commit();
 * } catch (error) {
 *   await tx.rollback();
 *   throw error;
 * }
 * ```
 */
export class Transaction extends Queries {
  #client: PoolClient | undefined;
  readonly #onConnectionError: (error: Error) => void;

  /** @internal Made by {@link SQLDatabase.begin}. */
  constructor(name: string, client: PoolClient) {
    super(name);
    this.#client = client;
    // A connection that fails between two queries of the transaction emits 'error', and the
    // pool listens only to idle connections: without this the process would end. The next
    // query of the transaction fails instead (503 when the database is gone).
    this.#onConnectionError = (error) => logUnavailable(name, error);
    client.on('error', this.#onConnectionError);
  }

  /** Whether `commit()` or `rollback()` has ended it. */
  get done(): boolean {
    return this.#client === undefined;
  }

  protected async run<T>(statement: BoundStatement): Promise<QueryResult<T & Row>> {
    const client = this.#client;
    if (client === undefined) throw new Error(`database "${this.name}": this transaction has ended (committed or rolled back); begin a new one`);
    try {
      return await client.query<T & Row>(statement);
    } catch (error) {
      throw translate(this.name, error);
    }
  }

  /** Makes the transaction's changes permanent and returns its connection to the pool. */
  async commit(): Promise<void> {
    await this.finish('COMMIT');
  }

  /** Undoes the transaction's changes and returns its connection to the pool. Does nothing once ended. */
  async rollback(): Promise<void> {
    if (this.#client === undefined) return;
    await this.finish('ROLLBACK');
  }

  private async finish(command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const client = this.#client;
    if (client === undefined) throw new Error(`database "${this.name}": this transaction has already ended; ${command} needs a transaction begun with db.begin()`);
    this.#client = undefined;
    client.removeListener('error', this.#onConnectionError);
    try {
      await client.query(command);
      client.release();
    } catch (error) {
      // The connection's state is unknown: it leaves the pool.
      client.release(true);
      throw translate(this.name, error);
    }
  }
}

/**
 * A Postgres database. `new SQLDatabase(name, { migrations })`, at module level in a service,
 * declares the database that service owns: the process hosting it applies its migrations
 * before it listens. Other services reach the same database with `SQLDatabase.named(name)`.
 * Where it lives comes from `TOPO_DATABASE_URL_<NAME>`; one `pg` pool per database per
 * process, made at the first query.
 *
 * @example
 * ```ts
 * // orders/db.ts
 * import { SQLDatabase } from '@topo/runtime';
 * export const db = new SQLDatabase('orders', { migrations: './migrations' });
 *
 * // orders/orders.ts
 * const order = await db.queryRow<{ id: number; total: number }>`SELECT id, total FROM orders WHERE id = ${id}`;
 * ```
 */
export class SQLDatabase extends Queries {
  readonly #state: DatabaseState;

  constructor(name: string, options: SQLDatabaseOptions = {}) {
    super(checkName(name));
    this.#state = databaseState(name);
    if (namingOnly) return;
    const migrations = options?.migrations;
    if (migrations !== undefined && (typeof migrations !== 'string' || migrations === '')) {
      throw new TypeError(`database "${name}": migrations must be the path of a folder, like './migrations'`);
    }
    declareOwner(this.#state, { migrations, declaredIn: callerFile(__filename) });
    installJestFallback();
  }

  /**
   * Another service's handle to a database that a service owns: the same database, no
   * migrations of its own.
   *
   * @example
   * ```ts
   * // billing/db.ts
   * export const orders = SQLDatabase.named('orders');
   * ```
   */
  static named(name: string): SQLDatabase {
    namingOnly = true;
    try {
      const db = new SQLDatabase(name);
      installJestFallback();
      return db;
    } finally {
      namingOnly = false;
    }
  }

  protected run<T>(statement: BoundStatement): Promise<QueryResult<T & Row>> {
    // No async wrapper: on the hot path (pool ready) this is the driver's promise and one catch.
    const pool = poolOf(this.#state);
    const result = pool instanceof Promise ? pool.then((ready) => ready.query<T & Row>(statement)) : pool.query<T & Row>(statement);
    return result.catch((error: unknown) => {
      throw translate(this.name, error);
    });
  }

  /**
   * Begins a transaction on a connection of its own; end it with `commit()` or `rollback()`.
   * {@link SQLDatabase.transaction} ends it for you.
   *
   * @example
   * ```ts
   * const tx = await db.begin();
   * await tx.exec`INSERT INTO orders (id, total) VALUES (${id}, ${total})`;
   * await tx.commit();
   * ```
   */
  async begin(): Promise<Transaction> {
    let client: PoolClient;
    try {
      client = await (await poolOf(this.#state)).connect();
    } catch (error) {
      throw translate(this.name, error);
    }
    try {
      await client.query('BEGIN');
    } catch (error) {
      client.release(true);
      throw translate(this.name, error);
    }
    return new Transaction(this.name, client);
  }

  /**
   * Runs `work` in a transaction: committed when it resolves, rolled back when it throws (and
   * the error passed on).
   *
   * @example
   * ```ts
   * const id = await db.transaction(async (tx) => {
   *   const row = await tx.queryRow<{ id: number }>`INSERT INTO orders (total) VALUES (${total}) RETURNING id`;
   *   await tx.exec`INSERT INTO order_events (order_id, kind) VALUES (${row!.id}, 'created')`;
   *   return row!.id;
   * });
   * ```
   */
  async transaction<R>(work: (tx: Transaction) => Promise<R>): Promise<R> {
    const tx = await this.begin();
    let result: R;
    try {
      result = await work(tx);
    } catch (error) {
      await tx.rollback().catch(() => undefined);
      throw error;
    }
    if (!tx.done) await tx.commit();
    return result;
  }

  /**
   * Closes this process's pool of the database (every handle to it shares that pool); the
   * next query opens a new one. For tests and scripts: a served process closes nothing.
   */
  async close(): Promise<void> {
    await closeDatabase(this.#state);
  }
}

/** Set while `SQLDatabase.named` constructs, so the constructor declares no owner. */
let namingOnly = false;

function checkName(name: string): string {
  const read = readDatabaseName(name);
  if (!read.ok) throw new Error(describeProblem(read.problem));
  return name;
}
