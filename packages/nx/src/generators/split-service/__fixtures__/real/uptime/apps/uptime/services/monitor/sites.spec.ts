import { add, get, list, remove } from './sites';

describe('add', () => {
    it('adds a site that get then finds', async () => {
        const site = await add({ url: 'https://encore.dev' });
        await expect(get({ id: site.id })).resolves.toEqual({ id: site.id, url: 'https://encore.dev/' });
    });

    it('assumes https for a bare host name', async () => {
        await expect(add({ url: 'nx.dev' })).resolves.toMatchObject({ url: 'https://nx.dev/' });
    });

    it('refuses a site monitored already, and what is not a web site', async () => {
        await expect(add({ url: 'encore.dev' })).rejects.toThrow('https://encore.dev/ is monitored already');
        await expect(add({ url: 'ftp://files.example.com' })).rejects.toThrow('only http and https');
    });
});

describe('remove', () => {
    it('stops monitoring a site', async () => {
        const { id } = await add({ url: 'https://old.example.com' });
        await remove({ id });
        expect((await list()).sites.map((site) => site.id)).not.toContain(id);
        await expect(get({ id })).rejects.toThrow(`no site ${id}`);
    });
});
