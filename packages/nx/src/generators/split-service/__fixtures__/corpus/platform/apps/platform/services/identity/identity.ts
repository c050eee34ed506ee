import { api, APIError, ErrCode } from '@topo/runtime';

const TOKENS: Readonly<Record<string, { customer: number; name: string; email: string }>> = {
  't-ada': { customer: 1, name: 'Ada', email: 'ada@example.com' },
  't-grace': { customer: 2, name: 'Grace', email: 'grace@example.com' },
};

export const whoami = api(
  { method: 'POST', path: '/internal/whoami' },
  async ({ token }: { token: string }): Promise<{ customer: number; name: string; email: string }> => {
    const who = TOKENS[token];
    if (!who) throw new APIError(ErrCode.Unauthenticated, 'unknown token');
    return who;
  },
);
