import { current, invoices } from "./billing";
import { listTeams } from "./teams";
import { listUsers } from "./users";

// Before anyone signs up: what each endpoint answers on its own.

describe("listUsers", () => {
  it("has no accounts at first", async () => {
    await expect(listUsers()).resolves.toEqual({ users: [] });
  });
});

describe("listTeams", () => {
  it("has no teams at first", async () => {
    await expect(listTeams()).resolves.toEqual({ teams: [] });
  });
});

describe("current", () => {
  it("puts a team that never subscribed on the free plan", async () => {
    await expect(current({ teamId: "team_1" })).resolves.toEqual({
      plan: "free",
      status: "none",
    });
  });
});

describe("invoices", () => {
  it("has none for a team never charged", async () => {
    await expect(invoices({ teamId: "team_1" })).resolves.toEqual({ invoices: [] });
  });
});
