import { api } from '@topo/runtime';
import { notes } from '../notes/client';

/** The page of one note: the note, tagged as the reader asks, and the other notes with its first tag. */
export const notePage = api(
  { expose: true, method: 'GET', path: '/pages/notes/:id' },
  async ({ id, tag }: { id: number; tag?: string }): Promise<{ title: string; tags: string[]; related: string[] }> => {
    const note = tag ? await notes.tagNote({ id, tag }) : await notes.getNote({ id });
    const related = note.tags.length ? (await notes.notesByTag({ tag: note.tags[0] })).notes.filter((n) => n.id !== id) : [];
    return { title: note.title, tags: note.tags, related: related.map((n) => n.title) };
  },
);
