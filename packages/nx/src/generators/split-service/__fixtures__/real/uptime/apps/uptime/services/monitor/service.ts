// Copyright 2025 Lookout Labs. Licensed under the MIT License; see LICENSE in the project root.
import { Service } from '@topo/runtime';

/** The monitored sites and their checks: is each one up, and since when. */
export default new Service('monitor');
