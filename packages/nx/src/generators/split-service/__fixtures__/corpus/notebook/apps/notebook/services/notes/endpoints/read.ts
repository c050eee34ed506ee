import { api, APIError, ErrCode } from '@topo/runtime';
import { type Note, NOTES, type NoteSummary, summarize } from '../model';

export function findNote(id: number): Note {
  const note = NOTES.find((n) => n.id === id);
  if (!note) throw new APIError(ErrCode.NotFound, `no note ${id}`);
  return note;
}

export const getNote = api({ expose: true, method: 'GET', path: '/notes/:id' }, async ({ id }: { id: number }): Promise<Note> => findNote(id));

export const listNotes = api(
  { expose: true, method: 'GET', path: '/notes' },
  async (): Promise<{ notes: NoteSummary[] }> => ({ notes: NOTES.map(summarize) }),
);
