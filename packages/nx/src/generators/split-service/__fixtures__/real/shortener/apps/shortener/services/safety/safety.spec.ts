import { blocklist, check } from "./safety"

describe("check", () => {
  it("lets ordinary sites through", async () => {
    await expect(check({ url: "https://encore.dev/docs" })).resolves.toEqual({ safe: true })
  })

  it("blocks a listed host and the hosts below it", async () => {
    await expect(check({ url: "http://cdn.malware.test/x.exe" })).resolves.toEqual({
      safe: false,
      reason: "malware.test is on the blocklist",
    })
  })
})

describe("blocklist", () => {
  it("lists the blocked hosts", async () => {
    expect((await blocklist()).hosts).toContain("phish.example")
  })
})
