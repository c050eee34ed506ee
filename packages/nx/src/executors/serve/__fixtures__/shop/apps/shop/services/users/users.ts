import { api, APIError, ErrCode } from '@topo/runtime';

export interface User {
  id: number;
  name: string;
}

const USERS: User[] = [
  { id: 1, name: 'Ada' },
  { id: 2, name: 'Grace' },
];

/** Private: only other services may look a user up. */
export const lookup = api({ method: 'POST', path: '/internal/users/lookup' }, async ({ id }: { id: number }): Promise<User> => {
  const user = USERS.find((u) => u.id === id);
  if (!user) throw new APIError(ErrCode.NotFound, `no user ${id}`);
  return user;
});

export const get = api({ expose: true, method: 'GET', path: '/users/:id' }, async ({ id }: { id: number }): Promise<User> => lookup({ id }));

export const boom = api({ expose: true, method: 'GET', path: '/users/boom' }, async (): Promise<User> => {
  throw new Error('database password is hunter2');
});
