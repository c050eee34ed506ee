/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import { api, APIError, ErrCode } from "@topo/runtime";

/** A mail as sent. */
export interface Mail {
  /** 1 for the first mail sent, and so on. */
  id: number;
  to: string;
  subject: string;
  body: string;
}

/** What was sent, oldest first: stands in for the mail provider's log. */
const sent: Mail[] = [];

/** Private: sends a mail. */
export const send = api(
  { method: "POST", path: "/mailer/send" },
  async ({ to, subject, body }: Omit<Mail, "id">): Promise<{ id: number }> => {
    if (!to.includes("@")) {
      throw new APIError(ErrCode.InvalidArgument, `cannot send to ${to}`);
    }
    const mail = { id: sent.length + 1, to, subject, body };
    sent.push(mail);
    return { id: mail.id };
  }
);

/** The mails sent so far, oldest first; `to` keeps one recipient's. */
export const outbox = api(
  { expose: true, method: "GET", path: "/mailer/outbox" },
  async ({ to }: { to?: string }): Promise<{ mails: Mail[] }> => ({
    mails: sent.filter(mail => to === undefined || mail.to === to),
  })
);
