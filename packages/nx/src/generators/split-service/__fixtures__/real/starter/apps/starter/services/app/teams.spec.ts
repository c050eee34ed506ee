import { createHost } from "@topo/runtime/host";
import * as mailerEndpoints from "../mailer/mailer";
import mailerService from "../mailer/service";
import type { User } from "./model";
import { addMember, createTeam, getTeam, listTeams } from "./teams";
import { signup } from "./users";

// The members sign up through signup, which mails through the mailer's client: host it here.
const host = createHost({
  app: "test",
  process: "test",
  edge: false,
  register: true,
  services: [
    {
      service: mailerService,
      endpoints: [{ name: "send", endpoint: mailerEndpoints.send }],
    },
  ],
});
afterAll(() => host.close());

let ada: User;
let grace: User;
let alan: User;

beforeAll(async () => {
  ada = await signup({ email: "ada@example.com", name: "Ada" });
  grace = await signup({ email: "grace@example.com", name: "Grace" });
  alan = await signup({ email: "alan@example.com", name: "Alan" });
});

describe("createTeam", () => {
  it("creates a team on the free plan, owned by its creator", async () => {
    const team = await createTeam({ name: "Engines", ownerId: ada.id });
    expect(team).toEqual({
      id: "team_1",
      name: "Engines",
      ownerId: ada.id,
      memberIds: [ada.id],
      plan: "free",
    });
    await expect(getTeam({ id: team.id })).resolves.toEqual(team);
  });

  it("refuses an unknown owner", async () => {
    await expect(createTeam({ name: "Ghosts", ownerId: "usr_99" })).rejects.toThrow(
      "no user usr_99"
    );
  });
});

describe("addMember", () => {
  it("adds members within the seats of the plan", async () => {
    const team = await addMember({ id: "team_1", userId: grace.id });
    expect(team.memberIds).toEqual([ada.id, grace.id]);
    await expect(addMember({ id: "team_1", userId: alan.id })).rejects.toThrow(
      "the free plan has 2 seats: upgrade to add members"
    );
  });

  it("refuses a member twice", async () => {
    await expect(addMember({ id: "team_1", userId: grace.id })).rejects.toThrow(
      "is in Engines already"
    );
  });
});

describe("listTeams", () => {
  it("lists the teams", async () => {
    expect((await listTeams()).teams.map(t => t.name)).toEqual(["Engines"]);
  });
});
