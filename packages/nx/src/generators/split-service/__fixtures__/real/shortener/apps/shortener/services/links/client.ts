import { client } from "@topo/runtime"
import type * as home from "./home"
import type * as urls from "./urls"
import type * as visits from "./visits"

/** Typed client of service `links`: `await links.get({ id })` from any other service. */
export const links = client<typeof urls & typeof visits & typeof home>("links")
