// The notes service's public surface: its endpoints and the types they answer with.
export * from './endpoints/read';
export { createDraft, tagNote } from './endpoints/write';
export * from './endpoints/search';
export type { Note, NoteSummary } from './model';
