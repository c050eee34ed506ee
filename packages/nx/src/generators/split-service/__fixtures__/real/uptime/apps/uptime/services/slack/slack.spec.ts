import { messages, notify } from './slack';

describe('slack', () => {
    it('keeps the messages in order', async () => {
        await notify({ text: 'first' });
        await notify({ text: 'second' });
        expect((await messages()).messages).toEqual([
            { seq: 1, text: 'first' },
            { seq: 2, text: 'second' },
        ]);
    });

    it('refuses an empty message', async () => {
        await expect(notify({ text: '  ' })).rejects.toThrow('a message needs text');
    });
});
