/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import { api, APIError, ErrCode } from "@topo/runtime";
import { mailer } from "../mailer/client";
import { subscriptions } from "./db";
import type { Plan, Subscription, SubscriptionStatus } from "./model";
import { type Invoice, provider } from "./provider";
import { getTeam } from "./teams";
import { getUser } from "./users";

/** Monthly price of each plan, in cents. */
const PRICES: Readonly<Record<Plan, number>> = { free: 0, pro: 2900, business: 9900 };

/** The plan a team is on, and where its subscription stands (`none` without one). */
export interface CurrentPlan {
  plan: Plan;
  status: SubscriptionStatus | "none";
}

function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** Subscribes a team to a paid plan, charges it and mails the receipt to the owner. */
export const subscribe = api(
  { expose: true, method: "POST", path: "/teams/:teamId/subscription" },
  async ({ teamId, plan }: { teamId: string; plan: Plan }): Promise<Subscription> => {
    if (plan === "free") {
      throw new APIError(ErrCode.InvalidArgument, "the free plan needs no subscription");
    }
    const team = await getTeam({ id: teamId });
    if (team.plan === plan) {
      throw new APIError(ErrCode.AlreadyExists, `${team.name} is on ${plan} already`);
    }
    const invoice = provider.charge(teamId, PRICES[plan], `Starter ${plan}, monthly`);
    const active = subscriptions.findLast(
      s => s.teamId === teamId && s.status !== "canceled"
    );
    const subscription = active
      ? subscriptions.update(active.id, { plan, status: "active" })
      : subscriptions.insert({ teamId, plan, status: "active" });
    const owner = await getUser({ id: team.ownerId });
    await mailer.send({
      to: owner.email,
      subject: `Your receipt ${invoice.number}`,
      body: `${team.name} is on ${plan}: ${dollars(invoice.amount)} a month.`,
    });
    return subscription;
  }
);

/** Cancels a team's subscription: the team is back on the free plan. */
export const cancel = api(
  { expose: true, method: "DELETE", path: "/teams/:teamId/subscription" },
  async ({ teamId }: { teamId: string }): Promise<Subscription> => {
    const active = subscriptions.findLast(
      s => s.teamId === teamId && s.status !== "canceled"
    );
    if (!active) {
      throw new APIError(ErrCode.NotFound, `team ${teamId} has no subscription`);
    }
    return subscriptions.update(active.id, { status: "canceled" });
  }
);

/** The plan a team is on; a team that never subscribed is on the free plan. */
export const current = api(
  { expose: true, method: "GET", path: "/teams/:teamId/subscription" },
  async ({ teamId }: { teamId: string }): Promise<CurrentPlan> => {
    const last = subscriptions.findLast(s => s.teamId === teamId);
    return last
      ? { plan: last.plan, status: last.status }
      : { plan: "free", status: "none" };
  }
);

/** The invoices of a team, oldest first. */
export const invoices = api(
  { expose: true, method: "GET", path: "/teams/:teamId/invoices" },
  async ({ teamId }: { teamId: string }): Promise<{ invoices: Invoice[] }> => ({
    invoices: provider.invoicesFor(teamId),
  })
);
