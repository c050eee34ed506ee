import { Repository } from "./repository";

interface Note {
  id: string;
  text: string;
}

describe("Repository", () => {
  it("gives ids in insertion order and finds rows", () => {
    const notes = new Repository<Note>("note");
    expect(notes.insert({ text: "a" })).toEqual({ id: "note_1", text: "a" });
    notes.insert({ text: "b" });
    expect(notes.find("note_2")).toEqual({ id: "note_2", text: "b" });
    expect(notes.findLast(n => n.text.length === 1)?.id).toBe("note_2");
  });

  it("updates a row and refuses an unknown one", () => {
    const notes = new Repository<Note>("note");
    const { id } = notes.insert({ text: "a" });
    expect(notes.update(id, { text: "b" })).toEqual({ id, text: "b" });
    expect(() => notes.update("note_9", { text: "c" })).toThrow("note: no row note_9");
  });
});
