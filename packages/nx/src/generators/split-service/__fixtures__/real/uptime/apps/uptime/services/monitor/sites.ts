// Copyright 2025 Lookout Labs. Licensed under the MIT License; see LICENSE in the project root.
import { api, APIError, ErrCode } from '@topo/runtime';
import { forget } from './checks';
import type { Site } from './types';

/** The sites, by id. Stands in for Encore's `site` table until Topo has databases. */
const registry = new Map<number, Site>();
let nextId = 1;

/** What `POST /sites` takes. */
export interface AddParams {
    /** A URL, or a bare host name: `https://` is assumed. */
    url: string;
}

function normalizeUrl(raw: string): string {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
    let url: URL;
    try {
        url = new URL(withScheme);
    } catch {
        throw new APIError(ErrCode.InvalidArgument, `"${raw}" is not a URL or a host name`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new APIError(ErrCode.InvalidArgument, `only http and https sites can be monitored, not ${url.protocol}`);
    }
    return url.toString();
}

/** Adds a site to monitor. */
export const add = api({ expose: true, method: 'POST', path: '/sites' }, async ({ url }: AddParams): Promise<Site> => {
    const normalized = normalizeUrl(url);
    if ([...registry.values()].some((site) => site.url === normalized)) {
        throw new APIError(ErrCode.AlreadyExists, `${normalized} is monitored already`);
    }
    const site = { id: nextId++, url: normalized };
    registry.set(site.id, site);
    return site;
});

/** Gets one site. */
export const get = api(
    { expose: true, method: 'GET', path: '/sites/:id' },
    async ({ id }: { id: number }): Promise<Site> => {
        const site = registry.get(id);
        if (!site) throw new APIError(ErrCode.NotFound, `no site ${id}`);
        return site;
    },
);

/** Every site, in the order they were added. */
export const list = api({ expose: true, method: 'GET', path: '/sites' }, async (): Promise<{ sites: Site[] }> => ({
    sites: [...registry.values()],
}));

/** Stops monitoring a site and drops its history. */
export const remove = api(
    { expose: true, method: 'DELETE', path: '/sites/:id' },
    async ({ id }: { id: number }): Promise<void> => {
        if (!registry.delete(id)) throw new APIError(ErrCode.NotFound, `no site ${id}`);
        await forget({ siteId: id });
    },
);
