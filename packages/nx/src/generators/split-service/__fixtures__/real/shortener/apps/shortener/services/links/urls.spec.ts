import { createHost } from "@topo/runtime/host"
import * as safetyEndpoints from "../safety/safety"
import safetyService from "../safety/service"
import { get, list, remove, shorten } from "./urls"

// shorten asks the safety service through its client: host it in this process, as the monolith does.
const host = createHost({
  app: "test",
  process: "test",
  edge: false,
  register: true,
  services: [
    {
      service: safetyService,
      endpoints: [
        { name: "check", endpoint: safetyEndpoints.check },
        { name: "blocklist", endpoint: safetyEndpoints.blocklist },
      ],
    },
  ],
})
afterAll(() => host.close())

describe("shorten", () => {
  it("makes a link that get then finds", async () => {
    const link = await shorten({ url: "https://encore.dev/docs" })
    expect(link.id).toMatch(/^[A-Za-z0-9_-]{7}$/)
    await expect(get({ id: link.id })).resolves.toEqual({
      id: link.id,
      url: "https://encore.dev/docs",
    })
  })

  it("gives the same URL the same id", async () => {
    const first = await shorten({ url: "https://nx.dev" })
    const again = await shorten({ url: "https://nx.dev" })
    expect(again).toEqual(first)
    expect((await list()).urls.filter((u) => u.id === first.id)).toHaveLength(1)
  })

  it("refuses what is not an http URL", async () => {
    await expect(shorten({ url: "ftp://files.example/x" })).rejects.toThrow("only http and https")
    await expect(shorten({ url: "not a url" })).rejects.toThrow("is not a URL")
  })

  it("refuses a blocked host", async () => {
    await expect(shorten({ url: "https://login.phish.example/" })).rejects.toThrow(
      "phish.example is on the blocklist",
    )
  })
})

describe("remove", () => {
  it("removes a link once", async () => {
    const { id } = await shorten({ url: "https://example.com/old" })
    await remove({ id })
    await expect(get({ id })).rejects.toThrow(`no short link ${id}`)
    await expect(remove({ id })).rejects.toThrow(`no short link ${id}`)
  })
})
