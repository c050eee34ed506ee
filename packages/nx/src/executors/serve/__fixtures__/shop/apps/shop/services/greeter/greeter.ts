import { api } from '@topo/runtime';
import { users } from '../users/client';

export const greet = api(
  { expose: true, method: 'GET', path: '/greet/:id' },
  async ({ id, punctuation }: { id: number; punctuation?: string }): Promise<{ message: string }> => {
    const user = await users.lookup({ id });
    return { message: `Hello, ${user.name}${punctuation ?? '!'}` };
  },
);
