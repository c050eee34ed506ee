import { databaseUrlVariable, migrationsVariable, readDatabaseName, readMigrationFiles } from './database';

describe('the database contract', () => {
  it.each(['orders', 'user-events', 'user_events', 'db2'])('accepts the database name %j', (name) => {
    expect(readDatabaseName(name)).toEqual({ ok: true, value: name });
  });

  it.each(['Orders', 'orders db', '2orders', 'orders-', '', 42])('refuses the database name %j, saying how to name it', (name) => {
    const read = readDatabaseName(name);
    expect(read.ok ? 'accepted' : read.problem.fix).toBe('Name it like "orders" or "user_events".');
  });

  it('names the environment variables of a database', () => {
    expect([databaseUrlVariable('user-events'), migrationsVariable('orders')]).toEqual(['TOPO_DATABASE_URL_USER_EVENTS', 'TOPO_MIGRATIONS_ORDERS']);
  });

  it('orders migrations by version, numerically, ignoring files that are not SQL', () => {
    const read = readMigrationFiles(['10_index.up.sql', 'README.md', '2_add_total.up.sql', '1_create.up.sql']);
    expect(read.ok && read.value.map((m) => m.file)).toEqual(['1_create.up.sql', '2_add_total.up.sql', '10_index.up.sql']);
  });

  it.each([
    [['1_create.sql'], 'migration file "1_create.sql" is not named <version>_<name>.up.sql with a version from 1'],
    [['0_create.up.sql'], 'migration file "0_create.up.sql" is not named <version>_<name>.up.sql with a version from 1'],
    [['1_create.up.sql', '01_again.up.sql'], 'migrations "01_again.up.sql" and "1_create.up.sql" have the same version 1'],
  ])('refuses the migrations %j', (files, message) => {
    const read = readMigrationFiles(files);
    expect(read.ok ? 'accepted' : read.problem.message).toBe(message);
  });
});
