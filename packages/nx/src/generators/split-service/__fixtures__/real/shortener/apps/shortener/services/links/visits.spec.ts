import { createHost } from "@topo/runtime/host"
import * as safetyEndpoints from "../safety/safety"
import safetyService from "../safety/service"
import type { ShortUrl } from "./types"
import { remove, shorten } from "./urls"
import { forget, stats, top, visit } from "./visits"

// The links are made through shorten, which asks the safety service: host it here.
const host = createHost({
  app: "test",
  process: "test",
  edge: false,
  register: true,
  services: [
    { service: safetyService, endpoints: [{ name: "check", endpoint: safetyEndpoints.check }] },
  ],
})
afterAll(() => host.close())

let docs: ShortUrl
let blog: ShortUrl

beforeAll(async () => {
  docs = await shorten({ url: "https://encore.dev/docs" })
  blog = await shorten({ url: "https://encore.dev/blog" })
})

describe("visit", () => {
  it("answers where the link leads", async () => {
    await expect(visit({ id: docs.id })).resolves.toEqual({ url: "https://encore.dev/docs" })
  })

  it("refuses an unknown link", async () => {
    await expect(visit({ id: "nothing" })).rejects.toThrow("no short link nothing")
  })
})

describe("stats", () => {
  it("counts every visit", async () => {
    const before = (await stats({ id: blog.id })).visits
    await visit({ id: blog.id })
    await visit({ id: blog.id })
    await expect(stats({ id: blog.id })).resolves.toEqual({ id: blog.id, visits: before + 2 })
  })

  it("ranks the links by visits", async () => {
    const { top: ranked } = await top({ limit: 1 })
    expect(ranked).toEqual([{ id: blog.id, visits: 2 }])
  })
})

describe("forget", () => {
  it("drops the visits of a removed link", async () => {
    const { id } = await shorten({ url: "https://encore.dev/gone" })
    await visit({ id })
    await remove({ id })
    await expect(forget({ id })).resolves.toEqual({ forgotten: 0 })
  })
})
