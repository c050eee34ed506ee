/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */
import { api } from "@topo/runtime"
import type { UrlStats } from "./types"
import { get } from "./urls"

/** Visits per short link id, since the process started. */
const visitCounts = new Map<string, number>()

/** Follows a short link: answers where it leads and counts the visit. */
export const visit = api(
  { expose: true, method: "GET", path: "/r/:id" },
  async ({ id }: { id: string }): Promise<{ url: string }> => {
    const link = await get({ id })
    visitCounts.set(id, (visitCounts.get(id) ?? 0) + 1)
    return { url: link.url }
  },
)

/** How often one short link was followed. */
export const stats = api(
  { expose: true, method: "GET", path: "/stats/:id" },
  async ({ id }: { id: string }): Promise<UrlStats> => {
    await get({ id })
    return { id, visits: visitCounts.get(id) ?? 0 }
  },
)

/** The most followed links, most visits first (ties by id). */
export const top = api(
  { expose: true, method: "GET", path: "/stats" },
  async ({ limit }: { limit?: number }): Promise<{ top: UrlStats[] }> => {
    const ranked = [...visitCounts]
      .map(([id, visits]) => ({ id, visits }))
      .sort((a, b) => b.visits - a.visits || a.id.localeCompare(b.id))
    return { top: ranked.slice(0, limit ?? 10) }
  },
)

/** Private: forgets the visits of a link that was removed. */
export const forget = api(
  { method: "POST", path: "/internal/visits/forget" },
  async ({ id }: { id: string }): Promise<{ forgotten: number }> => {
    const forgotten = visitCounts.get(id) ?? 0
    visitCounts.delete(id)
    return { forgotten }
  },
)
