import { createHost } from "@topo/runtime/host";
import { mailer } from "../mailer/client";
import * as mailerEndpoints from "../mailer/mailer";
import mailerService from "../mailer/service";
import { cancel, current, invoices, subscribe } from "./billing";
import { addMember, createTeam } from "./teams";
import type { TeamView } from "./teams";
import { signup } from "./users";

// Signing up and subscribing mail through the mailer's client: host the mailer in this process.
const host = createHost({
  app: "test",
  process: "test",
  edge: false,
  register: true,
  services: [
    {
      service: mailerService,
      endpoints: [
        { name: "send", endpoint: mailerEndpoints.send },
        { name: "outbox", endpoint: mailerEndpoints.outbox },
      ],
    },
  ],
});
afterAll(() => host.close());

let team: TeamView;

beforeAll(async () => {
  const owner = await signup({ email: "owner@example.com", name: "Owner" });
  team = await createTeam({ name: "Acme", ownerId: owner.id });
});

describe("subscribe", () => {
  it("puts the team on the plan and mails the receipt", async () => {
    await expect(subscribe({ teamId: team.id, plan: "pro" })).resolves.toEqual({
      id: "sub_1",
      teamId: team.id,
      plan: "pro",
      status: "active",
    });
    await expect(current({ teamId: team.id })).resolves.toEqual({
      plan: "pro",
      status: "active",
    });
    const { mails } = await mailer.outbox({ to: "owner@example.com" });
    expect(mails.at(-1)?.body).toBe("Acme is on pro: $29.00 a month.");
  });

  it("refuses the plan the team is on, the free plan and an unknown team", async () => {
    await expect(subscribe({ teamId: team.id, plan: "pro" })).rejects.toThrow(
      "Acme is on pro already"
    );
    await expect(subscribe({ teamId: team.id, plan: "free" })).rejects.toThrow(
      "the free plan needs no subscription"
    );
    await expect(subscribe({ teamId: "team_9", plan: "pro" })).rejects.toThrow(
      "no team team_9"
    );
  });

  it("gives the team the seats of its plan", async () => {
    const friend = await signup({ email: "friend@example.com", name: "Friend" });
    const other = await signup({ email: "other@example.com", name: "Other" });
    await addMember({ id: team.id, userId: friend.id });
    await expect(addMember({ id: team.id, userId: other.id })).resolves.toMatchObject({
      plan: "pro",
    });
  });
});

describe("invoices", () => {
  it("lists what the team was charged", async () => {
    await subscribe({ teamId: team.id, plan: "business" });
    const { invoices: issued } = await invoices({ teamId: team.id });
    expect(issued.map(i => [i.number, i.amount])).toEqual([
      ["INV-0001", 2900],
      ["INV-0002", 9900],
    ]);
  });
});

describe("cancel", () => {
  it("puts the team back on the free plan", async () => {
    await expect(cancel({ teamId: team.id })).resolves.toMatchObject({
      status: "canceled",
    });
    await expect(cancel({ teamId: team.id })).rejects.toThrow(
      `team ${team.id} has no subscription`
    );
  });
});
