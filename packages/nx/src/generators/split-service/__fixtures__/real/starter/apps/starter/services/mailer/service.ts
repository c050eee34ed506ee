/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import { Service } from "@topo/runtime";

/** Transactional mail: welcome mails, receipts. */
export default new Service("mailer");
