/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */
import { Service } from "@topo/runtime"

/** Says whether a URL may be shortened: a small blocklist standing in for a Safe Browsing API. */
export default new Service("safety")
