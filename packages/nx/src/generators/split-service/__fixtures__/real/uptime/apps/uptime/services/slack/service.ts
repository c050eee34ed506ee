// Copyright 2025 Lookout Labs. Licensed under the MIT License; see LICENSE in the project root.
import { Service } from '@topo/runtime';

/** The on-call channel: what the monitor posts when a site goes up or down. */
export default new Service('slack');
