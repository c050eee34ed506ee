/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The signing secret the billing provider's dashboard shows for this endpoint. */
const WEBHOOK_SECRET = process.env.BILLING_WEBHOOK_SECRET ?? "whsec_starter_local";

/** The signature of a webhook body: HMAC-SHA256 with the secret, in hex. */
export function sign(body: string): string {
  return createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex");
}

/** Whether `header` is the signature of `body`, compared in constant time. */
export function verifySignature(
  body: string,
  header: string | string[] | undefined
): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(sign(body), "hex");
  const given = Buffer.from(header, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
