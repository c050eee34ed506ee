import { page } from "./page-html"

describe("page", () => {
  it("says when there are no links", () => {
    expect(page([], [])).toBe("<h1>Shortly</h1><p>No links yet.</p>")
  })

  it("escapes the URLs and shows the visits", () => {
    const html = page(
      [{ id: "abc1234", url: "https://x.example/?a=1&b=<2>" }],
      [{ id: "abc1234", visits: 3 }],
    )
    expect(html).toContain("https://x.example/?a=1&amp;b=&lt;2&gt;")
    expect(html).toContain("(3)")
  })
})
