import { createHost } from '@topo/runtime/host';
import { slack } from '../slack/client';
import slackService from '../slack/service';
import * as slackEndpoints from '../slack/slack';
import { check, history, schedule, status } from './checks';
import { add } from './sites';
import { type Site, SiteStatus } from './types';

// check posts to the slack service through its client: host it in this process, as the monolith does.
const host = createHost({
    app: 'test',
    process: 'test',
    edge: false,
    register: true,
    services: [
        {
            service: slackService,
            endpoints: [
                { name: 'notify', endpoint: slackEndpoints.notify },
                { name: 'messages', endpoint: slackEndpoints.messages },
            ],
        },
    ],
});
afterAll(() => host.close());

let healthy: Site;
let down: Site;
let flaky: Site;

beforeAll(async () => {
    healthy = await add({ url: 'https://encore.dev' });
    down = await add({ url: 'https://down.example.com' });
    flaky = await add({ url: 'https://flaky.example.com' });
});

describe('check', () => {
    it('records what the site answered', async () => {
        await expect(check({ siteId: healthy.id })).resolves.toEqual({
            siteId: healthy.id,
            status: SiteStatus.Up,
            code: 200,
            seq: 1,
        });
    });

    it('tells Slack when a site is down, and when it changes', async () => {
        await check({ siteId: down.id });
        await check({ siteId: flaky.id });
        await check({ siteId: flaky.id });
        const { messages } = await slack.messages();
        expect(messages.map((m) => m.text)).toEqual([
            '*https://down.example.com/ is down* (HTTP 503)',
            '*https://flaky.example.com/ is down* (HTTP 502)',
        ]);
    });

    it('refuses an unknown site', async () => {
        await expect(check({ siteId: 99 })).rejects.toThrow('no site 99');
    });
});

describe('checkAll', () => {
    it('runs every hour and checks every site', async () => {
        expect(schedule.every).toBe('1h');
        await expect(schedule.endpoint()).resolves.toEqual({ checked: 3, checksRun: 7 });
    });
});

describe('status and history', () => {
    it('shows the last status of each site', async () => {
        const { sites } = await status();
        expect(sites.map((s) => s.status)).toEqual([SiteStatus.Up, SiteStatus.Down, SiteStatus.Up]);
    });

    it('keeps the checks of a site, the latest last', async () => {
        const { checks } = await history({ id: flaky.id, limit: 2 });
        expect(checks.map((c) => c.code)).toEqual([502, 200]);
    });
});
