import { notesByTag, searchNotes } from '../index';

describe('search', () => {
  it('finds notes that have every word', async () => {
    await expect(searchNotes({ q: 'coffee guide' })).resolves.toEqual({ notes: [{ id: 3, title: 'Reading' }] });
  });

  it('finds notes by tag, whatever its case', async () => {
    const { notes } = await notesByTag({ tag: 'TOPO' });
    expect(notes.map((n) => n.id)).toEqual([2, 3]);
  });
});
