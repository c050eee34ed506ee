import { getNote, listNotes } from '../index';

describe('reading notes', () => {
  it('gets one note', async () => {
    await expect(getNote({ id: 2 })).resolves.toMatchObject({ title: 'Standup' });
  });

  it('lists every note by title', async () => {
    const { notes } = await listNotes();
    expect(notes.map((n) => n.title)).toEqual(['Groceries', 'Standup', 'Reading']);
  });
});
