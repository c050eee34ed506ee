// Copyright 2025 Lookout Labs. Licensed under the MIT License; see LICENSE in the project root.

/** A monitored website. */
export interface Site {
    /** Given in the order the sites were added, from 1. */
    id: number;
    /** Always absolute: `example.com` is stored as `https://example.com/`. */
    url: string;
}

/** What the last check of a site found. */
export enum SiteStatus {
    Up = 'up',
    Down = 'down',
    /** Not checked yet. */
    Unknown = 'unknown',
}

/** One check of one site. */
export interface CheckResult {
    siteId: number;
    status: SiteStatus;
    /** The HTTP status the site answered, 0 when it could not be reached. */
    code: number;
    /** The check's number among all the checks the monitor made. */
    seq: number;
}
