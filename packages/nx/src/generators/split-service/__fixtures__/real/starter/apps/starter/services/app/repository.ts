/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */

/**
 * The rows of one entity, in memory, with ids `<prefix>_<n>` in insertion order. Stands in
 * for a table until Topo has databases.
 */
export class Repository<T extends { id: string }> {
  private readonly rows = new Map<string, T>();
  private seq = 0;

  constructor(private readonly prefix: string) {}

  /** Stores a new row and gives it its id. */
  insert(fields: Omit<T, "id">): T {
    const row = { id: `${this.prefix}_${++this.seq}`, ...fields } as unknown as T;
    this.rows.set(row.id, row);
    return row;
  }

  find(id: string): T | undefined {
    return this.rows.get(id);
  }

  /** The last row inserted that matches, or undefined. */
  findLast(predicate: (row: T) => boolean): T | undefined {
    return this.all().filter(predicate).at(-1);
  }

  all(): T[] {
    return [...this.rows.values()];
  }

  /** Changes some fields of a row; the row must exist. */
  update(id: string, patch: Partial<Omit<T, "id">>): T {
    const row = this.rows.get(id);
    if (!row) throw new Error(`${this.prefix}: no row ${id}`);
    const updated = { ...row, ...patch };
    this.rows.set(id, updated);
    return updated;
  }
}
