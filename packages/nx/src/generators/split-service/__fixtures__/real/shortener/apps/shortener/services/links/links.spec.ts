import { home } from "./home"
import { list } from "./urls"
import { top } from "./visits"

// Before any link is made: each endpoint's empty answer.

describe("list", () => {
  it("has no links at first", async () => {
    await expect(list()).resolves.toEqual({ urls: [] })
  })
})

describe("top", () => {
  it("has no visits at first", async () => {
    await expect(top({})).resolves.toEqual({ top: [] })
  })
})

describe("home", () => {
  it("says there are no links yet", async () => {
    await expect(home()).resolves.toEqual({ html: "<h1>Shortly</h1><p>No links yet.</p>" })
  })
})
