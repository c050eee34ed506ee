import { Role } from './types';
import { admins, canManage, getUser, listUsers } from './users';

describe('users', () => {
  it('finds a user by id', async () => {
    await expect(getUser({ id: 2 })).resolves.toEqual({ id: 2, name: 'Grace', role: Role.Editor });
  });

  it('lists users with a role', async () => {
    const page = await listUsers({ role: Role.Editor });
    expect(page.items.map((u) => u.name)).toEqual(['Grace', 'Barbara']);
  });
});

describe('permissions', () => {
  it('lists the admins', async () => {
    await expect(admins()).resolves.toEqual({ items: [{ id: 1, name: 'Ada', role: Role.Admin }], total: 1 });
  });

  it('lets a role manage the roles below it only', async () => {
    expect((await canManage({ actor: 1, target: 2 })).allowed).toBe(true);
    expect((await canManage({ actor: 2, target: 4 })).allowed).toBe(false);
  });
});
