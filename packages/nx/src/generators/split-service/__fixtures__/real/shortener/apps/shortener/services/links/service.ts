/*
 * Copyright (c) 2025 Shortly Ltd.
 * SPDX-License-Identifier: Apache-2.0
 */
import { Service } from "@topo/runtime"

/** Short links: making them, following them and counting the visits. */
export default new Service("links")
