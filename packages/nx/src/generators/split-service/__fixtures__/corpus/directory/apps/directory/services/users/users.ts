import { api, APIError, ErrCode } from '@topo/runtime';
import { allPeople, person } from './people';
import { Role, type Page, type User, type UserId } from './types';

const ROLES: readonly string[] = Object.values(Role);

/** How much each role may do: a role manages the roles ranked below it. */
const RANK: Record<Role, number> = { [Role.Admin]: 3, [Role.Editor]: 2, [Role.Viewer]: 1 };

export const getUser = api(
  { expose: true, method: 'GET', path: '/users/:id' },
  async ({ id }: { id: UserId }): Promise<User> => person(id),
);

export const listUsers = api(
  { expose: true, method: 'GET', path: '/users' },
  async ({ role }: { role?: string }): Promise<Page<User>> => {
    if (role !== undefined && !ROLES.includes(role)) {
      throw new APIError(ErrCode.InvalidArgument, `role must be one of ${ROLES.join(', ')}`);
    }
    const items = allPeople().filter((user) => role === undefined || user.role === role);
    return { items, total: items.length };
  },
);

export const admins = api(
  { expose: true, method: 'GET', path: '/admins' },
  async (): Promise<Page<User>> => {
    const items = allPeople().filter((user) => user.role === Role.Admin);
    return { items, total: items.length };
  },
);

export interface Permission {
  actor: UserId;
  target: UserId;
  allowed: boolean;
}

export const canManage = api(
  { method: 'POST', path: '/permissions/check' },
  async ({ actor, target }: { actor: UserId; target: UserId }): Promise<Permission> => ({
    actor,
    target,
    allowed: RANK[person(actor).role] > RANK[person(target).role],
  }),
);
