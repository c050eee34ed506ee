import { createHash } from "node:crypto"

/** Length of an id: 7 base64url characters are 42 bits, plenty for one team's links. */
const ID_LENGTH = 7

/**
 * The id of a URL: the start of its SHA-256 in base64url, so that shortening the same URL
 * twice gives the same link, in every process and every run.
 */
export function makeId(url: string): string {
  return createHash("sha256").update(url).digest("base64url").slice(0, ID_LENGTH)
}
