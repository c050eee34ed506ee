/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */
import type { ShortUrl } from "./types"

/**
 * Short links in memory, by id, in the order they were made. Stands in for the `url` table
 * of Encore's example until Topo has databases.
 */
class UrlStore {
  private byId = new Map<string, ShortUrl>()

  /** Saves a link; saving the same id again keeps its place in the list. */
  save(link: ShortUrl): ShortUrl {
    this.byId.set(link.id, link)
    return link
  }

  find(id: string): ShortUrl | undefined {
    return this.byId.get(id)
  }

  all(): ShortUrl[] {
    return [...this.byId.values()]
  }

  delete(id: string): boolean {
    return this.byId.delete(id)
  }
}

/** The one store of the service. */
export const store = new UrlStore()
