import type { Middleware } from "@topo/runtime";
import { requestId } from "./middleware";

type Request = Parameters<Middleware>[0];
type Response = Parameters<Middleware>[1];
type NextFunction = Parameters<Middleware>[2];

function run(header: string | undefined): { id: unknown; error: unknown } {
  const headers: Record<string, string> =
    header === undefined ? {} : { "x-request-id": header };
  let id: unknown;
  let error: unknown;
  const res = {
    setHeader: (_: string, value: unknown) => (id = value),
  } as unknown as Response;
  const next: NextFunction = (err?: unknown) => void (error = err);
  requestId({ headers } as Request, res, next);
  return { id, error };
}

describe("requestId", () => {
  it("keeps the caller's id", () => {
    expect(run("req-42")).toEqual({ id: "req-42", error: undefined });
  });

  it("makes one when there is none", () => {
    expect(run(undefined).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a malformed id", () => {
    expect(String(run("two words").error)).toContain("x-request-id");
  });
});
