import { api } from '@topo/runtime';
import { users } from '../users/client';
import type { UserId } from '../users/types';
import { describeUser, type UserLine } from './describe-user';

export interface Review {
  actor: UserLine;
  target: UserLine;
  allowed: boolean;
  admins: string[];
}

export const review = api(
  { expose: true, method: 'GET', path: '/audit/:actor/:target' },
  async ({ actor, target }: { actor: UserId; target: UserId }): Promise<Review> => {
    const [a, t] = await Promise.all([users.getUser({ id: actor }), users.getUser({ id: target })]);
    const { allowed } = await users.canManage({ actor, target });
    const { items } = await users.admins();
    return { actor: describeUser(a), target: describeUser(t), allowed, admins: items.map((u) => u.name) };
  },
);
