/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import type { IncomingMessage } from "node:http";
import { api, APIError, ErrCode } from "@topo/runtime";
import { subscriptions } from "./db";
import type { SubscriptionStatus } from "./model";
import { verifySignature } from "./signature";

/** The events the billing provider sends, and the status each one leads to. */
const TRANSITIONS: Readonly<Record<string, SubscriptionStatus>> = {
  "invoice.paid": "active",
  "invoice.payment_failed": "past_due",
};

/** What the billing provider posts. */
interface BillingEvent {
  type: string;
  teamId: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The billing provider's webhook, signed with HMAC-SHA256 in `x-billing-signature`: a failed
 * payment puts the team's subscription past due, a paid invoice makes it active again.
 */
export const billingWebhook = api.raw(
  { expose: true, method: "POST", path: "/webhooks/billing" },
  async (req, res) => {
    const body = await readBody(req);
    if (!verifySignature(body, req.headers["x-billing-signature"])) {
      throw new APIError(ErrCode.Unauthenticated, "missing or wrong x-billing-signature");
    }
    let event: BillingEvent;
    try {
      event = JSON.parse(body) as BillingEvent;
    } catch {
      throw new APIError(ErrCode.InvalidArgument, "the event is not JSON");
    }
    if (!Object.hasOwn(TRANSITIONS, event.type)) {
      throw new APIError(ErrCode.InvalidArgument, `unknown event ${event.type}`);
    }
    const active = subscriptions.findLast(
      s => s.teamId === event.teamId && s.status !== "canceled"
    );
    if (!active) {
      throw new APIError(ErrCode.NotFound, `team ${event.teamId} has no subscription`);
    }
    subscriptions.update(active.id, { status: TRANSITIONS[event.type] });
    res.status(204).end();
  }
);
