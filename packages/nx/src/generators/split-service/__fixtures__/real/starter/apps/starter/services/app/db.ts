/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import type { Subscription, Team, User } from "./model";
import { Repository } from "./repository";

/** Accounts, by id. */
export const users = new Repository<User>("usr");

/** Teams, by id. */
export const teams = new Repository<Team>("team");

/** Subscriptions, by id; a team's current one is its last. */
export const subscriptions = new Repository<Subscription>("sub");
