import { api, APIError, ErrCode } from '@topo/runtime';
import type { Note } from '../model';
import { findNote } from './read';
import { normalizeTag } from './tag-rules';

/** A note as it would be saved: checked and normalised, not stored. */
export const createDraft = api(
  { expose: true, method: 'POST', path: '/notes' },
  async ({ title, body }: { title: string; body?: string }): Promise<Omit<Note, 'id'>> => {
    if (title.trim() === '') throw new APIError(ErrCode.InvalidArgument, 'a note needs a title');
    return { title: title.trim(), body: body ?? '', tags: [] };
  },
);

export const tagNote = api(
  { expose: true, method: 'POST', path: '/notes/:id/tags' },
  async ({ id, tag }: { id: number; tag: string }): Promise<Note> => {
    const note = findNote(id);
    const normalized = normalizeTag(tag);
    return { ...note, tags: note.tags.includes(normalized) ? note.tags : [...note.tags, normalized] };
  },
);
