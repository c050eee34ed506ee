import { sign, verifySignature } from "./signature";

describe("verifySignature", () => {
  const body = JSON.stringify({ type: "invoice.paid", teamId: "team_1" });

  it("accepts the signature of the body", () => {
    expect(verifySignature(body, sign(body))).toBe(true);
  });

  it("refuses another body's signature, a malformed one and none", () => {
    expect(verifySignature(body, sign(`${body} `))).toBe(false);
    expect(verifySignature(body, "zz")).toBe(false);
    expect(verifySignature(body, undefined)).toBe(false);
  });
});
