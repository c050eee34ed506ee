import { send } from './mailer';

it('sends to an address', async () => {
  await expect(send({ to: 'a@b.c', subject: 'hi', text: '' })).resolves.toEqual({ sent: true, to: 'a@b.c', subject: 'hi' });
});
