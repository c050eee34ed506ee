/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */
import { api } from "@topo/runtime"
import { urls, visits } from "./index"

/**
 * The landing page: every short link with its visits, as HTML. The renderer is loaded on
 * first use only, so that processes that never serve the page never load it.
 */
export const home = api(
  { expose: true, method: "GET", path: "/" },
  async (): Promise<{ html: string }> => {
    const { page } = await import("./page-html")
    const { urls: links } = await urls.list()
    const { top } = await visits.top({ limit: links.length || 1 })
    return { html: page(links, top) }
  },
)
