import { outbox, send } from "./mailer";

describe("mailer", () => {
  it("keeps what it sends, in order", async () => {
    await send({ to: "ada@example.com", subject: "a", body: "1" });
    await send({ to: "grace@example.com", subject: "b", body: "2" });
    expect((await outbox({})).mails.map(m => m.id)).toEqual([1, 2]);
    expect((await outbox({ to: "grace@example.com" })).mails).toEqual([
      { id: 2, to: "grace@example.com", subject: "b", body: "2" },
    ]);
  });

  it("refuses an address without @", async () => {
    await expect(send({ to: "nobody", subject: "x", body: "" })).rejects.toThrow(
      "cannot send to nobody"
    );
  });
});
