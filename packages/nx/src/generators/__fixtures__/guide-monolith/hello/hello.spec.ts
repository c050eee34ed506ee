import { h1, h2 } from './hello';

describe('hello', () => {
  it('greets with h1', async () => {
    await expect(h1({ name: 'Ada' })).resolves.toEqual({ message: 'Hello, Ada!' });
  });

  it('greets with h2', async () => {
    await expect(h2({ name: 'Ada' })).resolves.toEqual({ message: 'Yo, Ada!' });
  });
});
