import { loadSqlParser, readMigrationStatements, tablesOfQuery } from './sql';

beforeAll(() => loadSqlParser());

describe('tablesOfQuery', () => {
  // The SQL as SQLDatabase sends a tagged template: each ${value} is $1, $2, ...
  const cases: [string, string, string[]][] = [
    ['a point select', 'SELECT id, total FROM orders WHERE id = $1', ['orders']],
    ['joins, aliases and a schema', 'SELECT o.id, c.name FROM orders o JOIN customers AS c ON c.id = o.customer_id LEFT JOIN audit.events e ON e.order_id = o.id', ['orders', 'customers', 'audit.events']],
    ['public. is the default schema', 'SELECT * FROM public.orders JOIN orders USING (id)', ['orders']],
    ['unquoted names folded, quoted kept', 'SELECT * FROM ORDERS, "Order Lines", Public."Customers"', ['orders', 'Order Lines', 'Customers']],
    ['subqueries in FROM, WHERE, SELECT and EXISTS', 'SELECT (SELECT count(*) FROM lines l WHERE l.order_id = o.id) FROM (SELECT * FROM orders) o WHERE o.customer_id IN (SELECT id FROM customers WHERE vip) AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id)', ['lines', 'orders', 'customers', 'refunds']],
    ['a CTE is not a table', 'WITH recent AS (SELECT * FROM orders WHERE placed_at > $1), big AS (SELECT * FROM recent WHERE total > $2) SELECT * FROM big JOIN customers c ON c.id = big.customer_id', ['orders', 'customers']],
    ['a CTE named like the table it reads', 'WITH orders AS (SELECT * FROM orders WHERE customer_id = $1) SELECT * FROM orders', ['orders']],
    ['a CTE name in a later CTE only', 'WITH a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT * FROM b', ['b']],
    ['a recursive CTE', 'WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE id = $1 UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree', ['categories']],
    ['a CTE schema-qualified name is the table', 'WITH orders AS (SELECT 1) SELECT * FROM public.orders, orders', ['orders']],
    ['a CTE inside a subquery does not hide the table outside', 'SELECT * FROM (WITH lines AS (SELECT 1 AS id) SELECT * FROM lines) x JOIN lines USING (id)', ['lines']],
    ['INSERT ... RETURNING', 'INSERT INTO orders (customer_id, total) VALUES ($1, $2) RETURNING id', ['orders']],
    ['INSERT ... SELECT', 'INSERT INTO order_archive SELECT * FROM orders WHERE placed_at < $1', ['order_archive', 'orders']],
    ['ON CONFLICT', 'INSERT INTO stock (sku, count) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET count = stock.count + EXCLUDED.count RETURNING count', ['stock']],
    ['UPDATE ... FROM', 'UPDATE orders o SET status = s.status FROM shipments s WHERE s.order_id = o.id AND s.id = $1', ['orders', 'shipments']],
    ['DELETE ... USING', 'DELETE FROM lines l USING orders o WHERE l.order_id = o.id AND o.customer_id = $1', ['lines', 'orders']],
    ['a data-modifying CTE', 'WITH moved AS (DELETE FROM carts WHERE id = $1 RETURNING *) INSERT INTO orders (customer_id) SELECT customer_id FROM moved', ['carts', 'orders']],
    ['UNION', 'SELECT id FROM orders UNION SELECT id FROM archived_orders', ['orders', 'archived_orders']],
    ['several statements', 'SELECT 1 FROM a; UPDATE b SET x = $1', ['a', 'b']],
    ['no table', "SELECT now(), $1::int + 1, 'FROM orders'", []],
    ['functions are not tables', 'SELECT * FROM generate_series(1, $1) g, unnest($2::int[]) u', []],
    ['comments are not SQL', '-- FROM ghosts\nSELECT /* JOIN phantoms */ * FROM orders', ['orders']],
    ['only blanks', '  \n', []],
  ];

  it.each(cases)('%s', (_name, sql, tables) => {
    expect(tablesOfQuery(sql)).toEqual({ tables });
  });

  it("gives the parser's message and the line it points at", () => {
    expect(tablesOfQuery('SELECT *\nFROM orders\nWHERE')).toEqual({ error: 'syntax error at end of input', line: 3 });
    expect(tablesOfQuery('SELECT * FROM orders WHERE id = $1 AND )')).toEqual({ error: 'syntax error at or near ")"', line: 1 });
  });
});

describe('readMigrationStatements', () => {
  it('cuts a migration into its statements as written, comments with the statement after them, with the tables of each', () => {
    const sql = [
      '-- Orders and their lines.',
      'CREATE EXTENSION IF NOT EXISTS pgcrypto;',
      '',
      "CREATE TYPE order_status AS ENUM ('placed', 'paid', 'shipped');",
      '',
      '/* The customers, kept by billing. */',
      'CREATE TABLE customers (',
      '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
      "  name text NOT NULL DEFAULT 'anonymous; really'",
      ');',
      '',
      '-- An order belongs to a customer.',
      'CREATE TABLE orders (',
      '  id serial PRIMARY KEY,',
      '  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,',
      "  status order_status NOT NULL DEFAULT 'placed',",
      '  placed_at timestamptz NOT NULL DEFAULT now()',
      ');',
      'CREATE TABLE order_lines (order_id int NOT NULL, sku text NOT NULL, PRIMARY KEY (order_id, sku), FOREIGN KEY (order_id) REFERENCES public.orders);',
      'CREATE INDEX orders_by_customer ON orders (customer_id);',
      "INSERT INTO customers (name) VALUES ('O''Brien') RETURNING id;",
      'SELECT 1',
    ].join('\n');

    expect(readMigrationStatements(sql)).toEqual({
      statements: [
        { line: 1, text: '-- Orders and their lines.\nCREATE EXTENSION IF NOT EXISTS pgcrypto;', tables: [], kind: 'CreateExtensionStmt' },
        { line: 4, text: "CREATE TYPE order_status AS ENUM ('placed', 'paid', 'shipped');", tables: [], kind: 'CreateEnumStmt' },
        {
          line: 6,
          text: "/* The customers, kept by billing. */\nCREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL DEFAULT 'anonymous; really'\n);",
          tables: ['customers'],
          kind: 'CreateStmt',
        },
        {
          line: 12,
          text: "-- An order belongs to a customer.\nCREATE TABLE orders (\n  id serial PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n  status order_status NOT NULL DEFAULT 'placed',\n  placed_at timestamptz NOT NULL DEFAULT now()\n);",
          tables: ['orders', 'customers'],
          kind: 'CreateStmt',
        },
        { line: 19, text: 'CREATE TABLE order_lines (order_id int NOT NULL, sku text NOT NULL, PRIMARY KEY (order_id, sku), FOREIGN KEY (order_id) REFERENCES public.orders);', tables: ['order_lines', 'orders'], kind: 'CreateStmt' },
        { line: 20, text: 'CREATE INDEX orders_by_customer ON orders (customer_id);', tables: ['orders'], kind: 'IndexStmt' },
        { line: 21, text: "INSERT INTO customers (name) VALUES ('O''Brien') RETURNING id;", tables: ['customers'], kind: 'InsertStmt' },
        { line: 22, text: 'SELECT 1', tables: [], kind: 'SelectStmt' },
      ],
    });
  });

  it('gives the statements back exactly: joined, they are the file less the blanks between them', () => {
    const sql = '\n\nCREATE TABLE a (id int);\n\n-- then b\nCREATE TABLE b (a_id int REFERENCES a);  \n\n';
    const read = readMigrationStatements(sql);
    if (!('statements' in read)) throw new Error(read.error);
    expect(read.statements.map((s) => s.text).join('\n\n')).toBe(sql.trim());
    expect(read.statements.map((s) => s.line)).toEqual([3, 5]);
  });

  it('reads the tables that ALTER TABLE, foreign keys added later, renames and drops concern', () => {
    const read = readMigrationStatements(
      [
        'ALTER TABLE orders ADD COLUMN total numeric(12, 2) NOT NULL DEFAULT 0;',
        'ALTER TABLE order_lines ADD CONSTRAINT order_lines_sku_fk FOREIGN KEY (sku) REFERENCES catalog.products (sku);',
        'ALTER TABLE orders RENAME TO purchases;',
        'ALTER TABLE purchases RENAME COLUMN total TO amount;',
        'ALTER INDEX orders_by_customer RENAME TO purchases_by_customer;',
        'DROP TABLE IF EXISTS carts, public.wishlists, audit.cart_events CASCADE;',
        'DROP INDEX purchases_by_customer;',
        'DROP TYPE order_status;',
        "COMMENT ON TABLE purchases IS 'what was bought';",
        "COMMENT ON COLUMN public.purchases.amount IS 'in euros';",
        'TRUNCATE sessions;',
        'UPDATE purchases SET amount = amount * 100 WHERE amount < 1;',
        'CREATE VIEW big_purchases AS SELECT * FROM purchases WHERE amount > 1000;',
        'CREATE SEQUENCE invoice_numbers START 1000;',
        'CREATE TRIGGER stamp BEFORE UPDATE ON purchases FOR EACH ROW EXECUTE FUNCTION stamp();',
      ].join('\n'),
    );
    if (!('statements' in read)) throw new Error(read.error);
    expect(read.statements.map((s) => [s.line, s.tables])).toEqual([
      [1, ['orders']],
      [2, ['order_lines', 'catalog.products']],
      [3, ['orders', 'purchases']],
      [4, ['purchases']],
      [5, []],
      [6, ['carts', 'wishlists', 'audit.cart_events']],
      [7, []],
      [8, []],
      [9, ['purchases']],
      [10, ['purchases']],
      [11, ['sessions']],
      [12, ['purchases']],
      [13, ['big_purchases', 'purchases']],
      [14, ['invoice_numbers']],
      [15, ['purchases']],
    ]);
  });

  it('reads quoted identifiers as written and unquoted ones folded', () => {
    const read = readMigrationStatements('CREATE TABLE "Audit Log" (id int);\nCREATE TABLE Events (log_id int REFERENCES "Audit Log");\nCREATE INDEX ON EVENTS (log_id);');
    if (!('statements' in read)) throw new Error(read.error);
    expect(read.statements.map((s) => s.tables)).toEqual([['Audit Log'], ['events', 'Audit Log'], ['events']]);
  });

  it('keeps a dollar-quoted function body whole, semicolons and all, and reads no table in it', () => {
    const fn = [
      '-- Stamps each change.',
      'CREATE FUNCTION stamp() RETURNS trigger AS $body$',
      'BEGIN',
      '  NEW.updated_at := now();',
      "  INSERT INTO audit_log (note) VALUES ('changed; $$ inside');",
      '  RETURN NEW;',
      'END;',
      '$body$ LANGUAGE plpgsql;',
    ].join('\n');
    const read = readMigrationStatements(`${fn}\nCREATE TABLE audit_log (note text);\n`);
    expect(read).toEqual({
      statements: [
        { line: 1, text: fn, tables: [], kind: 'CreateFunctionStmt' },
        { line: 9, text: 'CREATE TABLE audit_log (note text);', tables: ['audit_log'], kind: 'CreateStmt' },
      ],
    });
  });

  it('cuts by bytes where the file has characters of several bytes', () => {
    const read = readMigrationStatements("-- Café ☕ and 😀\nINSERT INTO notes VALUES ('naïve; 😀');\n-- ü\nCREATE TABLE tags (name text);");
    expect(read).toEqual({
      statements: [
        { line: 1, text: "-- Café ☕ and 😀\nINSERT INTO notes VALUES ('naïve; 😀');", tables: ['notes'], kind: 'InsertStmt' },
        { line: 3, text: '-- ü\nCREATE TABLE tags (name text);', tables: ['tags'], kind: 'CreateStmt' },
      ],
    });
  });

  it('gives no statement for a file of comments or blanks', () => {
    expect(readMigrationStatements('-- nothing yet\n')).toEqual({ statements: [] });
    expect(readMigrationStatements('')).toEqual({ statements: [] });
  });

  it("gives the parser's message and the line of a syntax error", () => {
    expect(readMigrationStatements('CREATE TABLE a (id int);\n\n-- 😀 b\nCREATE TABLE b (id int,);\n')).toEqual({ error: 'syntax error at or near ")"', line: 4 });
    expect(readMigrationStatements('CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\n')).toEqual({ error: 'unterminated dollar-quoted string at or near "$$\nSELECT 1;\n"', line: 1 });
    expect(readMigrationStatements('CREAT TABLE a (id int);')).toEqual({ error: 'syntax error at or near "CREAT"', line: 1 });
  });
});
