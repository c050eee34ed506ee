import { createHost } from "@topo/runtime/host";
import { mailer } from "../mailer/client";
import * as mailerEndpoints from "../mailer/mailer";
import mailerService from "../mailer/service";
import { getUser, listUsers, signup } from "./users";

// signup sends the welcome mail through the mailer's client: host the mailer in this process.
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

describe("signup", () => {
  it("creates an account that getUser then finds", async () => {
    const ada = await signup({ email: " Ada@Example.com", name: "Ada " });
    expect(ada).toEqual({ id: "usr_1", email: "ada@example.com", name: "Ada" });
    await expect(getUser({ id: ada.id })).resolves.toEqual(ada);
  });

  it("sends the welcome mail", async () => {
    const { mails } = await mailer.outbox({ to: "ada@example.com" });
    expect(mails.map(m => m.subject)).toEqual(["Welcome to Starter"]);
  });

  it("refuses a second account for an address", async () => {
    await expect(signup({ email: "ada@example.com", name: "Ada" })).rejects.toThrow(
      "ada@example.com has an account already"
    );
  });

  it("refuses what is not an email address, and an empty name", async () => {
    await expect(signup({ email: "ada", name: "Ada" })).rejects.toThrow(
      '"ada" is not an email address'
    );
    await expect(signup({ email: "x@example.com", name: " " })).rejects.toThrow(
      "a name is needed"
    );
  });
});

describe("listUsers", () => {
  it("lists the accounts, oldest first", async () => {
    await signup({ email: "grace@example.com", name: "Grace" });
    const { users } = await listUsers();
    expect(users.map(u => u.name)).toEqual(["Ada", "Grace"]);
  });
});
