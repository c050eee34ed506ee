// Copyright 2025 Lookout Labs. Licensed under the MIT License; see LICENSE in the project root.

/** What a ping found. */
export interface PingResult {
    up: boolean;
    /** The HTTP status, 0 when nothing answered. */
    code: number;
    /** How many times this URL was pinged, this one included. */
    attempt: number;
}

/**
 * The fake network the prober asks instead of the internet, so that every run answers the
 * same: hosts under `.invalid` do not answer, hosts with `down` in their name answer 503,
 * hosts with `flaky` in their name answer 502 every second attempt, every other host 200.
 */
export function answer(url: string, attempt: number): Omit<PingResult, 'attempt'> {
    const host = new URL(url).hostname;
    if (host.endsWith('.invalid')) return { up: false, code: 0 };
    if (host.includes('down')) return { up: false, code: 503 };
    if (host.includes('flaky') && attempt % 2 === 0) return { up: false, code: 502 };
    return { up: true, code: 200 };
}
