export interface Note {
  id: number;
  title: string;
  body: string;
  tags: string[];
}

export interface NoteSummary {
  id: number;
  title: string;
}

export const NOTES: readonly Note[] = [
  { id: 1, title: 'Groceries', body: 'apples, pears, coffee', tags: ['home'] },
  { id: 2, title: 'Standup', body: 'split the monolith', tags: ['work', 'topo'] },
  { id: 3, title: 'Reading', body: 'Encore guide on coffee breaks', tags: ['topo'] },
];

export function summarize(note: Note): NoteSummary {
  return { id: note.id, title: note.title };
}
