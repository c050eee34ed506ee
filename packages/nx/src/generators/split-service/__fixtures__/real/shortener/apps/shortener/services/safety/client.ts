import { client } from "@topo/runtime"
import type * as endpoints from "./safety"

/** Typed client of service `safety`: `await safety.check({ url })` from any other service. */
export const safety = client<typeof endpoints>("safety")
