import { client } from "@topo/runtime";
import type * as billing from "./billing";
import type * as teams from "./teams";
import type * as users from "./users";

/** Typed client of service `app`: `await app.getUser({ id })` from any other service. */
export const app = client<typeof users & typeof teams & typeof billing>("app");
