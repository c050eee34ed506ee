/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import { randomUUID } from "node:crypto";
import { APIError, ErrCode, type Middleware } from "@topo/runtime";

/** What a request id may be: what the load balancer and the front end send. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id, in `x-request-id` on the answer: the caller's, when it sent a
 * valid one, or a new one. A malformed id is refused, so that logs stay greppable.
 */
export const requestId: Middleware = (req, res, next) => {
  const given = req.headers["x-request-id"];
  if (given !== undefined && (typeof given !== "string" || !REQUEST_ID.test(given))) {
    next(
      new APIError(
        ErrCode.InvalidArgument,
        "x-request-id: use 1 to 64 letters, digits, dots, dashes or underscores"
      )
    );
    return;
  }
  res.setHeader("x-request-id", given ?? randomUUID());
  next();
};
