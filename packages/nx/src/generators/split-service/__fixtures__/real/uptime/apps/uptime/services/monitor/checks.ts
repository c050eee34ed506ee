// Copyright 2025 Lookout Labs. Licensed under the MIT License; see LICENSE in the project root.
import { api, APIError, ErrCode } from '@topo/runtime';
import { prober, type PingResult } from '@uptime/probe';
import { slack } from '../slack/client';
import * as sites from './sites';
import { type CheckResult, SiteStatus } from './types';

/** Every check made, per site id, oldest first. */
const results = new Map<number, CheckResult[]>();

/** How many checks were made since the process started: each check's `seq`. */
let checksRun = 0;

/** A site with the status its last check found. */
export interface SiteState {
    id: number;
    url: string;
    status: SiteStatus;
}

/** Pings a URL once, without recording anything. */
export const ping = api(
    { expose: true, method: 'GET', path: '/ping' },
    async ({ url }: { url: string }): Promise<PingResult & { url: string }> => {
        if (!URL.canParse(url)) throw new APIError(ErrCode.InvalidArgument, `"${url}" is not a URL`);
        return { url, ...prober.ping(url) };
    },
);

/** Checks one site now, records the result, and tells Slack when the site went up or down. */
export const check = api(
    { expose: true, method: 'POST', path: '/check/:siteId' },
    async ({ siteId }: { siteId: number }): Promise<CheckResult> => {
        const site = await sites.get({ id: siteId });
        const { up, code } = prober.ping(site.url);
        const status = up ? SiteStatus.Up : SiteStatus.Down;
        const previous = results.get(siteId)?.at(-1);
        checksRun += 1;
        const result: CheckResult = { siteId, status, code, seq: checksRun };
        results.set(siteId, [...(results.get(siteId) ?? []), result]);
        if (previous ? previous.status !== status : status === SiteStatus.Down) {
            await slack.notify({ text: `*${site.url} is ${status}* (HTTP ${code})` });
        }
        return result;
    },
);

/** Checks every site, one after the other, so that the checks keep their order. */
export const checkAll = api(
    { expose: true, method: 'POST', path: '/check-all' },
    async (): Promise<{ checked: number; checksRun: number }> => {
        const { sites: all } = await sites.list();
        for (const site of all) await check({ siteId: site.id });
        return { checked: all.length, checksRun };
    },
);

/**
 * When checkAll runs, for the platform's scheduler: Encore's
 * `new CronJob('check-all', { title: 'Check all sites', every: '1h', endpoint: checkAll })`.
 */
export const schedule = { title: 'Check all sites', every: '1h', endpoint: checkAll };

/** Every site with the status of its last check. */
export const status = api(
    { expose: true, method: 'GET', path: '/status' },
    async (): Promise<{ sites: SiteState[] }> => {
        const { sites: all } = await sites.list();
        return {
            sites: all.map((site) => ({
                id: site.id,
                url: site.url,
                status: results.get(site.id)?.at(-1)?.status ?? SiteStatus.Unknown,
            })),
        };
    },
);

/** The checks of one site, oldest first; `limit` keeps the latest ones. */
export const history = api(
    { expose: true, method: 'GET', path: '/sites/:id/history' },
    async ({ id, limit }: { id: number; limit?: number }): Promise<{ checks: CheckResult[] }> => {
        await sites.get({ id });
        const checks = results.get(id) ?? [];
        return { checks: limit === undefined ? checks : checks.slice(-limit) };
    },
);

/** Private: drops the checks of a site that is no longer monitored. */
export const forget = api(
    { method: 'POST', path: '/internal/monitor/forget' },
    async ({ siteId }: { siteId: number }): Promise<{ forgotten: number }> => {
        const forgotten = results.get(siteId)?.length ?? 0;
        results.delete(siteId);
        return { forgotten };
    },
);
