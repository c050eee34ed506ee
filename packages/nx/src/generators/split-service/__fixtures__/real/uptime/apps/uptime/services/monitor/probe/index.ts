// Copyright 2025 Lookout Labs. Licensed under the MIT License; see LICENSE in the project root.
import { answer, type PingResult } from './network';

export type { PingResult };

/** Pings sites and remembers how often it pinged each URL. */
export class Prober {
    private readonly attempts = new Map<string, number>();

    /** Pings `url` once. */
    ping(url: string): PingResult {
        const attempt = (this.attempts.get(url) ?? 0) + 1;
        this.attempts.set(url, attempt);
        return { ...answer(url, attempt), attempt };
    }
}

/** The prober of the monitor. */
export const prober = new Prober();
