/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */
import { api } from "@topo/runtime"

/** Hosts known to serve malware or phishing, and every host below them. */
const BLOCKED_HOSTS: readonly string[] = ["malware.test", "phish.example", "free-prizes.example"]

/** The answer for one URL. */
export interface Verdict {
  safe: boolean
  /** Why it is not safe; absent when it is. */
  reason?: string
}

function blockedBy(host: string): string | undefined {
  return BLOCKED_HOSTS.find((blocked) => host === blocked || host.endsWith(`.${blocked}`))
}

/** Private: whether `url` may be shortened. */
export const check = api(
  { method: "POST", path: "/internal/safety/check" },
  async ({ url }: { url: string }): Promise<Verdict> => {
    const blocked = blockedBy(new URL(url).hostname)
    return blocked ? { safe: false, reason: `${blocked} is on the blocklist` } : { safe: true }
  },
)

/** The hosts on the blocklist, for the help page. */
export const blocklist = api(
  { expose: true, method: "GET", path: "/safety/blocklist" },
  async (): Promise<{ hosts: string[] }> => ({ hosts: [...BLOCKED_HOSTS] }),
)
