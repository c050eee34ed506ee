import { APIError, ErrCode } from '@topo/runtime';
import { formal, greet, h1 } from './hello';

describe('hello', () => {
  it('greets with h1', async () => {
    await expect(h1({ name: 'Ada' })).resolves.toEqual({ message: 'Hello, Ada!' });
  });

  it('greets everyone named in the body, with the greeting asked for or "Hello"', async () => {
    await expect(greet({ names: ['Ada', 'Grace'], greeting: 'Hi' })).resolves.toEqual({ message: 'Hi, Ada and Grace!' });
    await expect(greet({ names: ['Ada', 'Grace', 'Alan'] })).resolves.toEqual({ message: 'Hello, Ada, Grace and Alan!' });
    await expect(greet({ names: ['Ada'] })).resolves.toEqual({ message: 'Hello, Ada!' });
  });

  it('refuses to greet nobody, as invalid_argument (400)', async () => {
    const refusal = greet({ names: [] });
    await expect(refusal).rejects.toBeInstanceOf(APIError);
    await expect(refusal).rejects.toMatchObject({ code: ErrCode.InvalidArgument, message: 'names: give at least one name' });
  });

  it('greets formally with the private endpoint', async () => {
    await expect(formal({ name: 'Ada' })).resolves.toEqual({ message: 'Good day, Ada.' });
  });
});
