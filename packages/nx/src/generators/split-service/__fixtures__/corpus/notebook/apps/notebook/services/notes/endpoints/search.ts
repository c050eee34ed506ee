import { api } from '@topo/runtime';
import { NOTES, type NoteSummary, summarize } from '../model';
import { normalizeTag } from './tag-rules';

export const searchNotes = api(
  { expose: true, method: 'GET', path: '/search' },
  async ({ q }: { q: string }): Promise<{ notes: NoteSummary[] }> => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = NOTES.filter((n) => words.every((w) => `${n.title} ${n.body}`.toLowerCase().includes(w)));
    return { notes: matches.map(summarize) };
  },
);

export const notesByTag = api(
  { expose: true, method: 'GET', path: '/tags/:tag' },
  async ({ tag }: { tag: string }): Promise<{ tag: string; notes: NoteSummary[] }> => {
    const wanted = normalizeTag(tag);
    return { tag: wanted, notes: NOTES.filter((n) => n.tags.includes(wanted)).map(summarize) };
  },
);
