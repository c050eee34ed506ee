/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */

/** A person with an account. */
export interface User {
  /** `usr_1`, `usr_2`, ... */
  id: string;
  /** Lower-cased; one account per address. */
  email: string;
  name: string;
}

/** A team: the unit that subscribes. */
export interface Team {
  id: string;
  name: string;
  ownerId: string;
  /** The owner first, then the others in the order they joined. */
  memberIds: string[];
}

/** The plans on the pricing page. */
export type Plan = "free" | "pro" | "business";

/** Where a subscription stands with the billing provider. */
export type SubscriptionStatus = "active" | "past_due" | "canceled";

/** A team's subscription to a paid plan. */
export interface Subscription {
  id: string;
  teamId: string;
  plan: Plan;
  status: SubscriptionStatus;
}

/** How many members each plan allows. */
export const SEATS: Readonly<Record<Plan, number>> = { free: 2, pro: 10, business: 100 };
