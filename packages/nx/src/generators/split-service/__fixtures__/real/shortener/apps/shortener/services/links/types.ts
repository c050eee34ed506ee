/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */

/** A short link: `https://sho.rt/r/{id}` leads to `url`. */
export interface ShortUrl {
  /** Seven URL-safe characters, derived from the URL itself. */
  id: string
  /** Where the link leads, as given (http or https). */
  url: string
}

/** What `POST /url` takes. */
export interface ShortenParams {
  /** An absolute http or https URL. */
  url: string
}

/** How often a short link was followed. */
export interface UrlStats {
  id: string
  visits: number
}
