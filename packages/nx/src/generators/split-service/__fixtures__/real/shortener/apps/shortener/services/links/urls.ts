/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */
import { api, APIError, ErrCode } from "@topo/runtime"
import { safety } from "../safety/client"
import { makeId } from "./ids"
import { store } from "./store"
import type { ShortenParams, ShortUrl } from "./types"
import { forget } from "./visits"

/** Checks that `raw` is an absolute http(s) URL and gives it back normalised. */
function parseUrl(raw: string): string {
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new APIError(
      ErrCode.InvalidArgument,
      `"${raw}" is not a URL: give an absolute http or https URL`,
    )
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new APIError(
      ErrCode.InvalidArgument,
      `only http and https URLs can be shortened, not ${parsed.protocol}`,
    )
  }
  return parsed.toString()
}

/**
 * Shortens a URL. The same URL always gets the same id; URLs on the safety blocklist are
 * refused.
 */
export const shorten = api(
  { expose: true, method: "POST", path: "/url" },
  async ({ url }: ShortenParams): Promise<ShortUrl> => {
    const normalized = parseUrl(url)
    const verdict = await safety.check({ url: normalized })
    if (!verdict.safe) {
      throw new APIError(ErrCode.InvalidArgument, `${normalized} is blocked: ${verdict.reason}`)
    }
    return store.save({ id: makeId(normalized), url: normalized })
  },
)

/** Gets the URL a short link leads to. */
export const get = api(
  { expose: true, method: "GET", path: "/url/:id" },
  async ({ id }: { id: string }): Promise<ShortUrl> => {
    const link = store.find(id)
    if (!link) throw new APIError(ErrCode.NotFound, `no short link ${id}`)
    return link
  },
)

/** Every short link, oldest first. */
export const list = api(
  { expose: true, method: "GET", path: "/url" },
  async (): Promise<{ urls: ShortUrl[] }> => ({ urls: store.all() }),
)

/** Removes a short link, and its visits with it. */
export const remove = api(
  { expose: true, method: "DELETE", path: "/url/:id" },
  async ({ id }: { id: string }): Promise<void> => {
    if (!store.delete(id)) throw new APIError(ErrCode.NotFound, `no short link ${id}`)
    await forget({ id })
  },
)
