/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import { Service } from "@topo/runtime";
import { requestId } from "./middleware";

/** The SaaS backend: users, their teams and the teams' subscriptions. */
export default new Service("app", { middleware: [requestId] });
