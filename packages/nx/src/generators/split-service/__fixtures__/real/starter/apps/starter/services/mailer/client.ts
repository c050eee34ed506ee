import { client } from "@topo/runtime";
import type * as endpoints from "./mailer";

/** Typed client of service `mailer`: `await mailer.send({ to, subject, body })`. */
export const mailer = client<typeof endpoints>("mailer");
