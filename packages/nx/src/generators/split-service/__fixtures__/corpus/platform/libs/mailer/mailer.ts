import { api, APIError, ErrCode } from '@topo/runtime';

export const send = api(
  { method: 'POST', path: '/internal/mail' },
  async ({ to, subject }: { to: string; subject: string; text: string }): Promise<{ sent: boolean; to: string; subject: string }> => {
    if (!to.includes('@')) throw new APIError(ErrCode.InvalidArgument, `cannot mail "${to}"`);
    return { sent: true, to, subject };
  },
);
