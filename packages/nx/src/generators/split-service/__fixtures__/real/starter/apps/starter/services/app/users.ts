/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import { api, APIError, ErrCode } from "@topo/runtime";
import { mailer } from "../mailer/client";
import { users } from "./db";
import type { User } from "./model";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What `POST /users` takes. */
export interface SignupParams {
  email: string;
  /** Shown to the team; trimmed. */
  name: string;
}

/** Creates an account and sends the welcome mail. */
export const signup = api(
  { expose: true, method: "POST", path: "/users" },
  async ({ email, name }: SignupParams): Promise<User> => {
    const address = email.trim().toLowerCase();
    if (!EMAIL.test(address)) {
      throw new APIError(ErrCode.InvalidArgument, `"${email}" is not an email address`);
    }
    if (name.trim() === "") {
      throw new APIError(ErrCode.InvalidArgument, "a name is needed");
    }
    if (users.findLast(u => u.email === address)) {
      throw new APIError(ErrCode.AlreadyExists, `${address} has an account already`);
    }
    const user = users.insert({ email: address, name: name.trim() });
    await mailer.send({
      to: address,
      subject: "Welcome to Starter",
      body: `Hi ${user.name}, your account is ready.`,
    });
    return user;
  }
);

/** Gets one account. */
export const getUser = api(
  { expose: true, method: "GET", path: "/users/:id" },
  async ({ id }: { id: string }): Promise<User> => {
    const user = users.find(id);
    if (!user) throw new APIError(ErrCode.NotFound, `no user ${id}`);
    return user;
  }
);

/** Every account, oldest first. */
export const listUsers = api(
  { expose: true, method: "GET", path: "/users" },
  async (): Promise<{ users: User[] }> => ({ users: users.all() })
);
