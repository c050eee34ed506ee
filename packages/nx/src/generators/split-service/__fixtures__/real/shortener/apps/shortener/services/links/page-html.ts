/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */
import type { ShortUrl, UrlStats } from "./index"

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c])
}

/** The home page: one row per link, with its visits. */
export function page(links: ShortUrl[], stats: UrlStats[]): string {
  if (links.length === 0) return "<h1>Shortly</h1><p>No links yet.</p>"
  const visits = new Map(stats.map((s) => [s.id, s.visits]))
  const rows = links.map(
    (l) =>
      `<li><a href="/r/${l.id}">${l.id}</a> → ${escape(l.url)} (${visits.get(l.id) ?? 0})</li>`,
  )
  return `<h1>Shortly</h1><ul>${rows.join("")}</ul>`
}
