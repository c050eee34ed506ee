import { ping, status } from './checks';
import { list } from './sites';

// Before any site is added: what each endpoint answers on its own.

describe('list', () => {
    it('has no sites at first', async () => {
        await expect(list()).resolves.toEqual({ sites: [] });
    });
});

describe('status', () => {
    it('has nothing to show at first', async () => {
        await expect(status()).resolves.toEqual({ sites: [] });
    });
});

describe('ping', () => {
    it('pings without recording anything', async () => {
        await expect(ping({ url: 'https://encore.dev/' })).resolves.toEqual({
            url: 'https://encore.dev/',
            up: true,
            code: 200,
            attempt: 1,
        });
    });

    it('refuses what is not a URL', async () => {
        await expect(ping({ url: 'encore' })).rejects.toThrow('"encore" is not a URL');
    });
});
